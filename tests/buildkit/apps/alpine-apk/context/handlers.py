async def start():
    print("bot started")
