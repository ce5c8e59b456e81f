package dev.harmont.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class RequestIdTest {
  @Test
  void freshIdsAreWellFormedAndDistinctAcrossManyThreads() throws Exception {
    Set<String> seen = ConcurrentHashMap.newKeySet();
    int threads = 200;
    int perThread = 500;
    try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int t = 0; t < threads; t++) {
        executor.submit(
            () -> IntStream.range(0, perThread).forEach(i -> seen.add(RequestId.fresh().value())));
      }
    }
    assertThat(seen).hasSize(threads * perThread);
    assertThat(seen).allMatch(id -> id.matches("req_[0-9a-f]{24}"));
  }
}
