package queue

import "github.com/nats-io/nats.go"

// Consume reads jobs from a NATS subject until the connection closes.
func Consume(subject string) error {
	nc, err := nats.Connect(nats.DefaultURL)
	if err != nil {
		return err
	}
	defer nc.Close()
	_, err = nc.Subscribe(subject, func(m *nats.Msg) { _ = m.Ack() })
	return err
}
