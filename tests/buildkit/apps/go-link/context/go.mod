module example.com/server

go 1.22

require (
	github.com/go-chi/chi/v5 v5.0.12
	github.com/jackc/pgx/v5 v5.5.5
	github.com/rs/zerolog v1.32.0
	github.com/spf13/viper v1.18.2
	golang.org/x/sync v0.6.0
	gopkg.in/yaml.v3 v3.0.1
)
