module example.com/worker

go 1.22

require (
	github.com/nats-io/nats.go v1.36.0
	github.com/prometheus/client_golang v1.19.1
	go.uber.org/zap v1.27.0
)
