package main

import (
	"log"

	"example.com/worker/internal/queue"
)

func main() {
	if err := queue.Consume("jobs"); err != nil {
		log.Fatal(err)
	}
}
