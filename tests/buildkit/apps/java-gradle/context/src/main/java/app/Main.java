package app;

import io.javalin.Javalin;

public class Main {
    public static void main(String[] args) {
        Javalin.create().get("/", ctx -> ctx.result(Greeting.text())).start(7070);
    }
}
