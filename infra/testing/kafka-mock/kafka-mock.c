/*
 * kafka-mock: starts librdkafka's in-process mock Kafka cluster on 127.0.0.1 for tests.
 *
 *   gcc -O2 -o kafka-mock kafka-mock.c -lrdkafka     (Debian: apt-get install -y gcc librdkafka-dev)
 *   ./kafka-mock [BROKERS]
 *
 * First line on stdout: "BOOTSTRAP host:port[,host:port...]". Then one reply line per command
 * read from stdin: "topic NAME PARTITIONS", "down BROKER_ID", "up BROKER_ID", "quit".
 * End of stdin (the parent died) also stops the cluster.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

int main(int argc, char **argv) {
  int brokers = argc > 1 ? atoi(argv[1]) : 1;
  char errstr[512], line[512], cmd[32], name[256];
  if (brokers < 1) brokers = 1;
  rd_kafka_conf_t *conf = rd_kafka_conf_new();
  rd_kafka_conf_set(conf, "log_level", "3", errstr, sizeof errstr); /* no "no bootstrap.servers" notice */
  rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof errstr);
  if (!rk) { fprintf(stderr, "rd_kafka_new: %s\n", errstr); return 1; }
  rd_kafka_mock_cluster_t *mc = rd_kafka_mock_cluster_new(rk, brokers);
  if (!mc) { fprintf(stderr, "rd_kafka_mock_cluster_new failed\n"); return 1; }
  printf("BOOTSTRAP %s\n", rd_kafka_mock_cluster_bootstraps(mc));
  fflush(stdout);
  while (fgets(line, sizeof line, stdin)) {
    int num = 0, n = sscanf(line, "%31s %255s %d", cmd, name, &num);
    if (n >= 1 && !strcmp(cmd, "quit")) break;
    if (n >= 2 && !strcmp(cmd, "down"))
      printf("down %d -> %d\n", atoi(name), (int)rd_kafka_mock_broker_set_down(mc, atoi(name)));
    else if (n >= 2 && !strcmp(cmd, "up"))
      printf("up %d -> %d\n", atoi(name), (int)rd_kafka_mock_broker_set_up(mc, atoi(name)));
    else if (n >= 3 && !strcmp(cmd, "topic"))
      printf("topic %s -> %d\n", name, (int)rd_kafka_mock_topic_create(mc, name, num, 1));
    else
      printf("error unknown command\n");
    fflush(stdout);
  }
  rd_kafka_mock_cluster_destroy(mc);
  rd_kafka_destroy(rk);
  return 0;
}
