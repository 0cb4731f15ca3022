package main

import (
	"net/http"

	"example.com/server/internal/api"
)

func main() {
	http.ListenAndServe(":8080", api.Router())
}
