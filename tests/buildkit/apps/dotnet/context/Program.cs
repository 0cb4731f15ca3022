var builder = WebApplication.CreateBuilder(args);
var app = builder.Build();
app.MapGet("/", () => Greeter.Hello());
app.Run();
