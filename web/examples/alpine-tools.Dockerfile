# A small tools image on Alpine.
FROM alpine:3.20
RUN apk update && apk add curl jq bash
COPY scripts/ /usr/local/bin/
ENTRYPOINT ["/usr/local/bin/run.sh"]
