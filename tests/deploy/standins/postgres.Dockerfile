# A local stand-in for the official postgres image (no registry is reachable from the test machines): Debian's
# PostgreSQL 15 from the test's base image, with the same POSTGRES_* variables, data folder and port.
ARG BASE_IMAGE
FROM ${BASE_IMAGE}
COPY postgres-entrypoint.sh /usr/local/bin/postgres-entrypoint.sh
RUN chmod 755 /usr/local/bin/postgres-entrypoint.sh && test -x /usr/lib/postgresql/15/bin/postgres
ENV PGDATA=/var/lib/postgresql/data
EXPOSE 5432
ENTRYPOINT ["/usr/local/bin/postgres-entrypoint.sh"]
