# Fedora with dnf, ARG-driven version.
FROM fedora:40
ARG APP_VERSION=1.0
RUN dnf install -y gcc make
COPY . /opt/app
RUN make -C /opt/app VERSION=${APP_VERSION}
CMD ["/opt/app/bin/app"]
