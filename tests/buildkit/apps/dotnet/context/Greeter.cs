public static class Greeter
{
    public static string Hello() => "hello";
}
