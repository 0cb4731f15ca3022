# ASP.NET Core API on the SDK image.
FROM mcr.microsoft.com/dotnet/sdk:8.0
WORKDIR /src
COPY . .
RUN dotnet restore
RUN dotnet publish -c Release -o /out
WORKDIR /out
EXPOSE 8080
ENTRYPOINT ["dotnet", "Api.dll"]
