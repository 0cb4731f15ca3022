package api

import "github.com/go-chi/chi/v5"

func Router() *chi.Mux {
	r := chi.NewRouter()
	return r
}
