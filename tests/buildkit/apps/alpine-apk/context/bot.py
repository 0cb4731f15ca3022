import asyncio

from handlers import start

asyncio.run(start())
