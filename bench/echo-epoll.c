/*
 * A minimal echo server in C on Linux epoll: the native baseline of bench/run.sh, the "physical limit" that
 * servercore and the bare Reactor Netty echo are measured against on the same machine and pinning.
 *
 *   cc -O2 -o target/bench/echo-epoll bench/echo-epoll.c
 *   target/bench/echo-epoll PORT
 *
 * One thread, one level-triggered epoll set (like one Netty event loop): every readable connection is read
 * once into its own 64 KiB buffer and written straight back. A write the kernel does not take whole keeps the
 * rest and stops reading that connection until it is writable again, so a client that does not read cannot
 * make the server hold more than one buffer per connection. TCP_NODELAY on accepted sockets, as Reactor
 * Netty sets it. It prints one line once listening and runs until SIGTERM or SIGINT.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#define BUFFER_SIZE (64 * 1024)
#define MAX_EVENTS 1024

struct connection {
	int fd;
	size_t pending_offset; /* bytes of buf already written back */
	size_t pending_length; /* bytes of buf read and not yet written back */
	char *buf;             /* allocated on first read: a held, idle connection costs no buffer */
};

static volatile sig_atomic_t running = 1;

static void on_signal(int signal) {
	(void) signal;
	running = 0;
}

static void close_connection(int epoll_fd, struct connection *c) {
	epoll_ctl(epoll_fd, EPOLL_CTL_DEL, c->fd, NULL);
	close(c->fd);
	free(c->buf);
	free(c);
}

static int watch(int epoll_fd, int op, struct connection *c, unsigned int events) {
	struct epoll_event event = { .events = events, .data.ptr = c };
	return epoll_ctl(epoll_fd, op, c->fd, &event);
}

/* Writes what is pending; returns 1 when all of it went, 0 when the kernel took less, -1 on error. */
static int flush_pending(struct connection *c) {
	while (c->pending_length > 0) {
		ssize_t n = write(c->fd, c->buf + c->pending_offset, c->pending_length);
		if (n < 0) {
			if (errno == EINTR) {
				continue;
			}
			return (errno == EAGAIN || errno == EWOULDBLOCK) ? 0 : -1;
		}
		c->pending_offset += (size_t) n;
		c->pending_length -= (size_t) n;
	}
	c->pending_offset = 0;
	return 1;
}

static void on_readable(int epoll_fd, struct connection *c) {
	if (c->buf == NULL && (c->buf = malloc(BUFFER_SIZE)) == NULL) {
		close_connection(epoll_fd, c);
		return;
	}
	ssize_t n = read(c->fd, c->buf, BUFFER_SIZE);
	if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) {
		close_connection(epoll_fd, c); /* the peer closed, or reset */
		return;
	}
	if (n < 0) {
		return;
	}
	c->pending_length = (size_t) n;
	int flushed = flush_pending(c);
	if (flushed < 0) {
		close_connection(epoll_fd, c);
	}
	else if (flushed == 0) {
		watch(epoll_fd, EPOLL_CTL_MOD, c, EPOLLOUT); /* stop reading until the rest is written */
	}
}

static void on_writable(int epoll_fd, struct connection *c) {
	int flushed = flush_pending(c);
	if (flushed < 0) {
		close_connection(epoll_fd, c);
	}
	else if (flushed > 0) {
		watch(epoll_fd, EPOLL_CTL_MOD, c, EPOLLIN);
	}
}

static void accept_all(int epoll_fd, int listen_fd) {
	for (;;) {
		int fd = accept4(listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0) {
			if (errno == EINTR || errno == ECONNABORTED) {
				continue;
			}
			if (errno != EAGAIN && errno != EWOULDBLOCK) {
				perror("accept4"); /* out of descriptors, say: the next readiness retries */
			}
			return;
		}
		int one = 1;
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		struct connection *c = calloc(1, sizeof(*c));
		if (c == NULL) {
			close(fd);
			continue;
		}
		c->fd = fd;
		if (watch(epoll_fd, EPOLL_CTL_ADD, c, EPOLLIN) < 0) {
			close(fd);
			free(c);
		}
	}
}

int main(int argc, char **argv) {
	if (argc != 2) {
		fprintf(stderr, "usage: %s PORT\n", argv[0]);
		return 2;
	}
	int port = atoi(argv[1]);
	struct sigaction action = { .sa_handler = on_signal };
	sigaction(SIGTERM, &action, NULL);
	sigaction(SIGINT, &action, NULL);
	signal(SIGPIPE, SIG_IGN);

	int listen_fd = socket(AF_INET6, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	int one = 1;
	int zero = 0;
	setsockopt(listen_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	setsockopt(listen_fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof(zero)); /* IPv4 clients too */
	struct sockaddr_in6 address = { .sin6_family = AF_INET6, .sin6_port = htons((unsigned short) port),
		.sin6_addr = IN6ADDR_ANY_INIT };
	if (bind(listen_fd, (struct sockaddr *) &address, sizeof(address)) < 0 || listen(listen_fd, SOMAXCONN) < 0) {
		perror("bind/listen");
		return 1;
	}
	int epoll_fd = epoll_create1(EPOLL_CLOEXEC);
	struct connection listener = { .fd = listen_fd };
	watch(epoll_fd, EPOLL_CTL_ADD, &listener, EPOLLIN);
	printf("native echo listening on port %d (C, epoll, 1 thread, pid %d)\n", port, (int) getpid());
	fflush(stdout);

	struct epoll_event events[MAX_EVENTS];
	while (running) {
		int ready = epoll_wait(epoll_fd, events, MAX_EVENTS, -1);
		for (int i = 0; i < ready; i++) {
			struct connection *c = events[i].data.ptr;
			if (c == &listener) {
				accept_all(epoll_fd, listen_fd);
			}
			else if (c->pending_length > 0) {
				on_writable(epoll_fd, c); /* EPOLLOUT, or an error that the write reports */
			}
			else {
				on_readable(epoll_fd, c); /* EPOLLIN, EPOLLHUP or EPOLLERR: the read tells which */
			}
		}
	}
	return 0;
}
