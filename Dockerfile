# syntax=docker/dockerfile:1
# servercore's container image: built with the Maven wrapper on Java 17 (the project's baseline), run from Spring
# Boot's extracted, layered jar on a Java 25 JRE as a non-root user, with an AOT cache made at build time for the
# fastest start measured (bench/startup.sh: docs/performance.md#start-up). The Java 17 way (a CDS archive) is in
# the comments at the end.
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
FROM eclipse-temurin:25-jre
# A numeric user so that Kubernetes' runAsNonRoot can verify it (the chart's runAsUser/runAsGroup match it).
RUN groupadd --system --gid 10001 servercore \
 && useradd --system --uid 10001 --gid 10001 --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin servercore
WORKDIR /application
COPY --from=build /build/extracted/dependencies/ ./
COPY --from=build /build/extracted/spring-boot-loader/ ./
COPY --from=build /build/extracted/snapshot-dependencies/ ./
COPY --from=build /build/extracted/application/ ./
# The JVM options of every start, training included: Netty loads its native transport (JNI) and keeps using
# sun.misc.Unsafe for its buffers as on Java 17 (Netty turns it off on Java 24+ unless allowed; without it
# direct buffers are freed by the garbage collector instead of at once).
ENV JDK_JAVA_OPTIONS="--enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow"
# A training run writes the classes the application loads and links, and the profiles of the methods it runs,
# into an AOT cache (JEP 483, 515): it starts the context up to the end of its refresh (nothing is bound, no
# traffic) and exits. Made here, as root, in the image: at run time the cache is only read, so the root
# filesystem stays read-only; it works with another heap size and collector (checked: SerialGC on 1 CPU).
RUN java -XX:AOTCacheOutput=application.aot -Dspring.context.exit=onRefresh -jar servercore-exec.jar \
 && test -s application.aot
USER 10001:10001
# servercore.port (the game's TCP port) and server.port (Actuator: probes and metrics).
EXPOSE 7000 8081
# Nothing is written outside /tmp (Netty unpacks its native transport there), so the root filesystem can be
# read-only. JVM options come from JAVA_TOOL_OPTIONS (the chart sets -XX:MaxRAMPercentage). A JVM that cannot
# use the cache (another JDK build) starts without it.
ENTRYPOINT ["java", "-XX:AOTCache=application.aot", "-jar", "servercore-exec.jar"]

# The Java 17 way (a CDS archive, 1.16 times the AOT cache's time to readiness here): run stage
# FROM eclipse-temurin:17-jre, no JDK_JAVA_OPTIONS, the training run
#   RUN ([ -f "$JAVA_HOME/lib/server/classes.jsa" ] || java -Xshare:dump) \
#    && java -XX:ArchiveClassesAtExit=application.jsa -Dspring.context.exit=onRefresh -jar servercore-exec.jar
# and ENTRYPOINT ["java", "-XX:SharedArchiveFile=application.jsa", "-jar", "servercore-exec.jar"].
