package app;

public class Greeting {
    public static String text() {
        return "hello";
    }
}
