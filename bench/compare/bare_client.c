/* The floor of the comparison benchmark (scripts/bench): the least a client can do
 * to run runc. posix_spawn of exactly the argv runcpp sends for each call (see
 * src/command.cpp global_args and src/commands/{version,state,create,start,delete}.cpp),
 * stdout and stderr read through pipes as a real client must, waitpid on that pid.
 * Same command line and output as runcpp_client.cpp and go/main.go:
 *
 *   bare_client --runc PATH --root DIR [--bundle DIR] [--id ID] [--callers N] <op> <iterations>
 *
 * runcpp gives `create` a private JSON log when config.log is empty
 * (--log <file> --log-format json); so does this client, with one file made at
 * start instead of one per call: runc does the same work, and runcpp's per-call
 * temporary file counts as runcpp's overhead. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char** environ;

struct options {
  const char* runc;
  const char* root;
  const char* bundle;
  const char* id;
  const char* op;
  unsigned callers;
  unsigned iterations;
  char log[256];
};

struct caller {
  const struct options* o;
  unsigned index;
  int64_t* ns;
  unsigned done;
  int ok;
};

static void usage(const char* why) {
  fprintf(stderr,
          "bare_client: %s\nusage: bare_client --runc PATH --root DIR [--bundle DIR] [--id ID] [--callers N] "
          "version|state|lifecycle ITERATIONS\n",
          why);
  exit(2);
}

static int64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* Runs argv with stdin /dev/null. capture: stdout and stderr are pipes read to
 * EOF (at most `cap` bytes of stdout kept); otherwise all three are /dev/null.
 * Returns runc's wait status, or -1. */
static int run(char* const argv[], int capture, char* out, size_t cap) {
  int pout[2] = {-1, -1}, perr[2] = {-1, -1}, status = -1;
  posix_spawn_file_actions_t fa;
  pid_t pid;
  posix_spawn_file_actions_init(&fa);
  if (capture) {
    if (pipe2(pout, O_CLOEXEC) != 0 || pipe2(perr, O_CLOEXEC) != 0) {
      perror("pipe2");
      goto done;
    }
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDWR, 0);
    posix_spawn_file_actions_adddup2(&fa, pout[1], 1);
    posix_spawn_file_actions_adddup2(&fa, perr[1], 2);
  } else {
    for (int fd = 0; fd < 3; ++fd) posix_spawn_file_actions_addopen(&fa, fd, "/dev/null", O_RDWR, 0);
  }
  int rc = posix_spawn(&pid, argv[0], &fa, NULL, argv, environ);
  if (rc != 0) {
    fprintf(stderr, "posix_spawn %s: %s\n", argv[0], strerror(rc));
    goto done;
  }
  if (capture) {
    close(pout[1]);
    close(perr[1]);
    pout[1] = perr[1] = -1;
    struct pollfd p[2] = {{pout[0], POLLIN, 0}, {perr[0], POLLIN, 0}};
    size_t used = 0;
    char sink[4096];
    while (p[0].fd >= 0 || p[1].fd >= 0) {
      if (poll(p, 2, -1) < 0) {
        if (errno == EINTR) continue;
        perror("poll");
        break;
      }
      for (int i = 0; i < 2; ++i) {
        if (p[i].fd < 0 || p[i].revents == 0) continue;
        char* buf = (i == 0 && used < cap) ? out + used : sink;
        size_t room = (i == 0 && used < cap) ? cap - used : sizeof sink;
        ssize_t n = read(p[i].fd, buf, room);
        if (n > 0) {
          if (buf != sink) used += (size_t)n;
        } else if (n == 0 || errno != EINTR) {
          p[i].fd = -1;
        }
      }
    }
    if (cap > 0) out[used < cap ? used : cap - 1] = '\0';
  }
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) {
      perror("waitpid");
      status = -1;
      break;
    }
  }
done:
  for (int i = 0; i < 2; ++i) {
    if (pout[i] >= 0) close(pout[i]);
    if (perr[i] >= 0) close(perr[i]);
  }
  posix_spawn_file_actions_destroy(&fa);
  return status;
}

static int run_ok(char* const argv[], int capture) {
  char out[8192];
  int status = run(argv, capture, out, sizeof out);
  if (status == 0) return 1;
  fprintf(stderr, "bare_client:");
  for (char* const* a = argv; *a != NULL; ++a) fprintf(stderr, " %s", *a);
  fprintf(stderr, ": failed (wait status %d)\n", status);
  return 0;
}

#define ARG(s) ((char*)(s))

static int one_call(const struct options* o, unsigned caller, unsigned n) {
  char* root = ARG(o->root);
  char* runc = ARG(o->runc);
  if (strcmp(o->op, "version") == 0) {
    char* argv[] = {runc, ARG("--root"), root, ARG("--version"), NULL};
    return run_ok(argv, 1);
  }
  if (strcmp(o->op, "state") == 0) {
    char* argv[] = {runc, ARG("--root"), root, ARG("state"), ARG(o->id), NULL};
    return run_ok(argv, 1);
  }
  char id[96];
  snprintf(id, sizeof id, "bare-%d-%u-%u", (int)getpid(), caller, n);
  char* create[] = {runc,
                    ARG("--root"),
                    root,
                    ARG("--log"),
                    ARG(o->log),
                    ARG("--log-format"),
                    ARG("json"),
                    ARG("create"),
                    ARG("--bundle"),
                    ARG(o->bundle),
                    id,
                    NULL};
  char* start[] = {runc, ARG("--root"), root, ARG("start"), id, NULL};
  char* del[] = {runc, ARG("--root"), root, ARG("delete"), ARG("--force"), id, NULL};
  if (!run_ok(create, 0)) {
    run_ok(del, 1);
    return 0;
  }
  int started = run_ok(start, 1);
  return run_ok(del, 1) && started;
}

static void* work(void* arg) {
  struct caller* c = arg;
  for (unsigned n = 0; n < c->o->iterations; ++n) {
    int64_t t0 = now_ns();
    if (!one_call(c->o, c->index, n)) {
      c->ok = 0;
      return NULL;
    }
    c->ns[c->done++] = now_ns() - t0;
  }
  return NULL;
}

int main(int argc, char** argv) {
  struct options o = {"/usr/sbin/runc", NULL, NULL, NULL, NULL, 1, 0, {0}};
  int i = 1;
  for (; i < argc && strncmp(argv[i], "--", 2) == 0; i += 2) {
    if (i + 1 >= argc) usage("a flag needs a value");
    const char* v = argv[i + 1];
    if (strcmp(argv[i], "--runc") == 0)
      o.runc = v;
    else if (strcmp(argv[i], "--root") == 0)
      o.root = v;
    else if (strcmp(argv[i], "--bundle") == 0)
      o.bundle = v;
    else if (strcmp(argv[i], "--id") == 0)
      o.id = v;
    else if (strcmp(argv[i], "--callers") == 0)
      o.callers = (unsigned)strtoul(v, NULL, 10);
    else
      usage("unknown flag");
  }
  if (argc - i != 2) usage("expected an operation and ITERATIONS");
  o.op = argv[i];
  o.iterations = (unsigned)strtoul(argv[i + 1], NULL, 10);
  if (o.root == NULL) usage("--root is required");
  if (o.callers == 0) usage("--callers must be at least 1");
  if (strcmp(o.op, "state") == 0 && o.id == NULL) usage("state needs --id");
  if (strcmp(o.op, "lifecycle") == 0 && o.bundle == NULL) usage("lifecycle needs --bundle");
  if (strcmp(o.op, "version") != 0 && strcmp(o.op, "state") != 0 && strcmp(o.op, "lifecycle") != 0)
    usage("unknown operation");

  if (strcmp(o.op, "lifecycle") == 0) {
    /* Where runcpp's temp_file puts its logs. */
    const char* dir = getenv("XDG_RUNTIME_DIR");
    if (dir == NULL || *dir == '\0') dir = getenv("TMPDIR");
    if (dir == NULL || *dir == '\0') dir = "/tmp";
    snprintf(o.log, sizeof o.log, "%s/runcpp-log-XXXXXX", dir);
    int fd = mkostemp(o.log, O_CLOEXEC);
    if (fd < 0) {
      perror("mkostemp");
      return 1;
    }
    close(fd);
  }

  struct caller* callers = calloc(o.callers, sizeof *callers);
  pthread_t* threads = calloc(o.callers, sizeof *threads);
  if (callers == NULL || threads == NULL) return 1;
  for (unsigned c = 0; c < o.callers; ++c) {
    callers[c] = (struct caller){&o, c, calloc(o.iterations + 1, sizeof(int64_t)), 0, 1};
    if (callers[c].ns == NULL) return 1;
  }
  int64_t wall0 = now_ns();
  if (o.callers == 1) {
    work(&callers[0]);
  } else {
    for (unsigned c = 0; c < o.callers; ++c)
      if (pthread_create(&threads[c], NULL, work, &callers[c]) != 0) {
        fprintf(stderr, "pthread_create failed\n");
        return 1;
      }
    for (unsigned c = 0; c < o.callers; ++c) pthread_join(threads[c], NULL);
  }
  int64_t wall = now_ns() - wall0;

  int ok = 1;
  unsigned long calls = 0;
  for (unsigned c = 0; c < o.callers; ++c) {
    for (unsigned n = 0; n < callers[c].done; ++n) printf("ns %lld\n", (long long)callers[c].ns[n]);
    calls += callers[c].done;
    ok = ok && callers[c].ok;
    free(callers[c].ns);
  }
  if (ok) printf("wall %lu %lld\n", calls, (long long)wall);
  if (o.log[0] != '\0') unlink(o.log);
  free(callers);
  free(threads);
  return ok ? 0 : 1;
}
