# PHP with Composer.
FROM php:8.3-apache
WORKDIR /var/www/html
COPY . .
RUN apt-get update && apt-get install -y git unzip libzip-dev
RUN composer install
EXPOSE 80
