module example.com/server

go 1.22

require (
	github.com/go-chi/chi/v5 v5.0.12
	github.com/jackc/pgx/v5 v5.6.0
	github.com/rs/zerolog v1.33.0
	golang.org/x/sync v0.7.0
)
