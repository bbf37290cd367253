/*
 * Times a server's start-up from outside, for bench/startup.sh: starts the command, then polls every 2 ms
 * until a TCP connection echoes a line and until an HTTP GET of the readiness path answers 200, and prints
 * both times in milliseconds since the process was started. Then it stops the server with SIGTERM.
 *
 *   cc -O2 -o target/bench/startup-probe bench/startup-probe.c
 *   target/bench/startup-probe TCP_PORT HTTP_PORT LOG_FILE command [args...]
 *
 * Output, one line: first_echo_ms=412.3 ready_ms=455.0 cpu_ms=900 main_cpu_ms=500 jit_cpu_ms=300 gc_cpu_ms=40
 * other_cpu_ms=60: the server's CPU time (user and system) when both were seen, in all and by kind of thread
 * (the main thread, the JIT compilers, GC and VM thread, the rest); or exit status 1 after PROBE_TIMEOUT_S
 * (environment, 120 s by default) without both.
 * Written in C so that the probe starts at once and costs nothing next to the JVM it measures.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define DEFAULT_TIMEOUT_S 120
#define POLL_INTERVAL_US 2000

static struct timespec start;

static double elapsed_ms(void) {
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - start.tv_sec) * 1e3 + (now.tv_nsec - start.tv_nsec) / 1e6;
}

static int connect_loopback(int port) {
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_in address = { .sin_family = AF_INET, .sin_port = htons((unsigned short) port),
		.sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	if (connect(fd, (struct sockaddr *) &address, sizeof(address)) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Reads up to size bytes, waiting at most timeout_ms in all; returns the bytes read. */
static size_t read_some(int fd, char *buf, size_t size, size_t want, int timeout_ms) {
	size_t got = 0;
	double deadline = elapsed_ms() + timeout_ms;
	while (got < want && elapsed_ms() < deadline) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		if (poll(&p, 1, (int) (deadline - elapsed_ms()) + 1) <= 0) {
			break;
		}
		ssize_t n = read(fd, buf + got, size - got);
		if (n <= 0) {
			break;
		}
		got += (size_t) n;
	}
	return got;
}

/* CPU time (user + system) used so far, in milliseconds, from a /proc/.../stat file. */
static double stat_cpu_ms(const char *path) {
	char stat[1024];
	FILE *file = fopen(path, "r");
	if (file == NULL) {
		return -1;
	}
	size_t n = fread(stat, 1, sizeof(stat) - 1, file);
	fclose(file);
	stat[n] = 0;
	char *fields = strrchr(stat, ')'); /* the command name may hold spaces */
	unsigned long utime = 0;
	unsigned long stime = 0;
	if (fields == NULL || sscanf(fields + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &utime, &stime) != 2) {
		return -1;
	}
	return (utime + stime) * 1000.0 / sysconf(_SC_CLK_TCK);
}

static double cpu_ms(pid_t pid) {
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/stat", (int) pid);
	return stat_cpu_ms(path);
}

/*
 * The JVM's CPU time by kind of thread: the application's main thread (named "java" by the launcher), the
 * JIT compilers, the garbage collector and VM thread, and the rest (Netty loops, Reactor, Boot's pre-init).
 */
static void cpu_by_thread(pid_t pid, double *main_ms, double *jit_ms, double *gc_ms, double *other_ms) {
	char dir_path[64];
	snprintf(dir_path, sizeof(dir_path), "/proc/%d/task", (int) pid);
	DIR *dir = opendir(dir_path);
	*main_ms = *jit_ms = *gc_ms = *other_ms = 0;
	if (dir == NULL) {
		return;
	}
	struct dirent *entry;
	while ((entry = readdir(dir)) != NULL) {
		if (entry->d_name[0] == '.') {
			continue;
		}
		char path[400];
		char name[64] = { 0 };
		snprintf(path, sizeof(path), "%s/%s/comm", dir_path, entry->d_name);
		FILE *comm = fopen(path, "r");
		if (comm == NULL || fgets(name, sizeof(name), comm) == NULL) {
			if (comm != NULL) {
				fclose(comm);
			}
			continue;
		}
		fclose(comm);
		name[strcspn(name, "\n")] = 0;
		snprintf(path, sizeof(path), "%s/%s/stat", dir_path, entry->d_name);
		double ms = stat_cpu_ms(path);
		if (ms < 0) {
			continue;
		}
		if (strcmp(name, "java") == 0) {
			*main_ms += ms;
		}
		else if (strstr(name, "CompilerThre") != NULL) {
			*jit_ms += ms;
		}
		else if (strncmp(name, "GC ", 3) == 0 || strncmp(name, "G1 ", 3) == 0 || strcmp(name, "VM Thread") == 0) {
			*gc_ms += ms;
		}
		else {
			*other_ms += ms;
		}
	}
	closedir(dir);
}

/* One TCP round trip: 1 when the line came back whole. */
static int echoes(int port) {
	static const char line[] = "startup-probe\n";
	int fd = connect_loopback(port);
	if (fd < 0) {
		return 0;
	}
	char buf[64];
	int ok = write(fd, line, sizeof(line) - 1) == (ssize_t) (sizeof(line) - 1)
			&& read_some(fd, buf, sizeof(buf), sizeof(line) - 1, 2000) == sizeof(line) - 1
			&& memcmp(buf, line, sizeof(line) - 1) == 0;
	close(fd);
	return ok;
}

/* One HTTP GET of the readiness group: 1 when it answered 200. */
static int ready(int port) {
	char request[256];
	int length = snprintf(request, sizeof(request), "GET /actuator/health/readiness HTTP/1.1\r\n"
			"Host: localhost:%d\r\nConnection: close\r\n\r\n", port);
	int fd = connect_loopback(port);
	if (fd < 0) {
		return 0;
	}
	char buf[64] = { 0 };
	int ok = write(fd, request, (size_t) length) == length
			&& read_some(fd, buf, sizeof(buf) - 1, 12, 2000) >= 12
			&& strncmp(buf + 9, "200", 3) == 0;
	close(fd);
	return ok;
}

int main(int argc, char **argv) {
	if (argc < 5) {
		fprintf(stderr, "usage: %s TCP_PORT HTTP_PORT LOG_FILE command [args...]\n", argv[0]);
		return 2;
	}
	int tcp_port = atoi(argv[1]);
	int http_port = atoi(argv[2]);
	const char *timeout_env = getenv("PROBE_TIMEOUT_S"); /* how long to wait for both, 120 s by default */
	double timeout_ms = 1000.0 * ((timeout_env != NULL) ? atoi(timeout_env) : DEFAULT_TIMEOUT_S);
	signal(SIGPIPE, SIG_IGN);
	clock_gettime(CLOCK_MONOTONIC, &start);
	pid_t child = fork();
	if (child == 0) {
		int log = open(argv[3], O_WRONLY | O_CREAT | O_TRUNC, 0644);
		dup2(log, STDOUT_FILENO);
		dup2(log, STDERR_FILENO);
		execvp(argv[4], argv + 4);
		perror("execvp");
		_exit(127);
	}
	double first_echo = -1;
	double readiness = -1;
	int status;
	while ((first_echo < 0 || readiness < 0) && elapsed_ms() < timeout_ms) {
		if (waitpid(child, &status, WNOHANG) == child) {
			fprintf(stderr, "the server exited before it was ready (see %s)\n", argv[3]);
			return 1;
		}
		if (first_echo < 0 && echoes(tcp_port)) {
			first_echo = elapsed_ms();
		}
		if (readiness < 0 && ready(http_port)) {
			readiness = elapsed_ms();
		}
		usleep(POLL_INTERVAL_US);
	}
	double cpu = cpu_ms(child);
	double main_ms, jit_ms, gc_ms, other_ms;
	cpu_by_thread(child, &main_ms, &jit_ms, &gc_ms, &other_ms);
	kill(child, SIGTERM);
	waitpid(child, &status, 0);
	if (first_echo < 0 || readiness < 0) {
		fprintf(stderr, "not ready within %.0f ms (see %s)\n", timeout_ms, argv[3]);
		return 1;
	}
	printf("first_echo_ms=%.1f ready_ms=%.1f cpu_ms=%.0f main_cpu_ms=%.0f jit_cpu_ms=%.0f gc_cpu_ms=%.0f other_cpu_ms=%.0f\n",
			first_echo, readiness, cpu, main_ms, jit_ms, gc_ms, other_ms);
	return 0;
}
