# Go service built on the full SDK image, which also runs it.
FROM golang:1.22
WORKDIR /src
COPY . .
RUN go mod download
RUN go build -o /bin/server ./cmd/server
EXPOSE 8080
CMD ["/bin/server"]
