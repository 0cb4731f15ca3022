# Java with Maven: dependencies download again on every code change.
FROM maven:3.9-eclipse-temurin-21
WORKDIR /build
COPY . .
RUN mvn -B package -DskipTests
EXPOSE 8080
CMD ["java", "-jar", "target/app.jar"]
