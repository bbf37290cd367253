# syntax=docker/dockerfile:1
# servercore's container image: built with the Maven wrapper, run from Spring Boot's extracted, layered jar
# on a Java 17 JRE as a non-root user, with a class data sharing (CDS) archive made at build time for a fast
# start (bench/startup.sh measures it: docs/performance.md#start-up).
#
#   docker build -t servercore:0.1.0-SNAPSHOT .      (the tag the Helm chart uses by default: artifactId:version)
#
# The alternative without a Dockerfile: ./mvnw spring-boot:build-image (Cloud Native Buildpacks), which
# produces an image of the same name.

# --- build: compile and package with the project's own wrapper (tests run in CI, not here) ---
FROM eclipse-temurin:17-jdk AS build
WORKDIR /build
# The wrapper and the pom first: the dependency layer is reused until pom.xml changes.
COPY .mvn/ .mvn/
COPY mvnw pom.xml ./
RUN --mount=type=cache,target=/root/.m2 ./mvnw -B -q dependency:go-offline
COPY src/ src/
RUN --mount=type=cache,target=/root/.m2 ./mvnw -B -q package -DskipTests
# Split the jar by how often each part changes (dependencies, loader, snapshots, application): only the
# application layer changes on a code change. The input is the runnable jar, servercore-exec.jar (the plain
# servercore.jar beside it is the library that game projects depend on); the result is servercore-exec.jar plus
# lib/, started with java -jar.
RUN java -Djarmode=tools -jar target/servercore-exec.jar extract --layers --destination extracted

# --- run: a JRE, no build tools, a fixed non-root user ---
FROM eclipse-temurin:17-jre
# A numeric user so that Kubernetes' runAsNonRoot can verify it (the chart's runAsUser/runAsGroup match it).
RUN groupadd --system --gid 10001 servercore \
 && useradd --system --uid 10001 --gid 10001 --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin servercore
WORKDIR /application
COPY --from=build /build/extracted/dependencies/ ./
COPY --from=build /build/extracted/spring-boot-loader/ ./
COPY --from=build /build/extracted/snapshot-dependencies/ ./
COPY --from=build /build/extracted/application/ ./
# A training run writes the classes the application loads into a CDS archive: it starts the context up to the
# end of its refresh (nothing is bound, no traffic) and exits. Made here, as root, in the image: at run time
# the archive is only read, so the root filesystem stays read-only. Start-up with it: about half the CPU time.
# A dynamic archive extends the JDK's own base archive: make that first where the JRE ships without one.
RUN ([ -f "$JAVA_HOME/lib/server/classes.jsa" ] || java -Xshare:dump) \
 && java -XX:ArchiveClassesAtExit=application.jsa -Dspring.context.exit=onRefresh -jar servercore-exec.jar \
 && test -s application.jsa
USER 10001:10001
# servercore.port (the game's TCP port) and server.port (Actuator: probes and metrics).
EXPOSE 7000 8081
# Nothing is written outside /tmp (Netty unpacks its native transport there), so the root filesystem can be
# read-only. JVM options come from JAVA_TOOL_OPTIONS (the chart sets -XX:MaxRAMPercentage); the archive
# works with any heap size and collector. A JVM that cannot use it (another JDK build) starts without it.
ENTRYPOINT ["java", "-XX:SharedArchiveFile=application.jsa", "-jar", "servercore-exec.jar"]
