<?php
use Slim\Factory\AppFactory;

$app = AppFactory::create();
$app->get('/', function ($request, $response) {
    $response->getBody()->write('ok');
    return $response;
});
$app->run();
