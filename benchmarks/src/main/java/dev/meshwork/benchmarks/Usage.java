package dev.meshwork.benchmarks;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Process-wide counters read at slice boundaries: process CPU time, stop-the-world collections
 * (count and accumulated time of the pausing collectors' {@code GarbageCollectorMXBean}s) and the
 * bytes each live thread has allocated ({@code com.sun.management.ThreadMXBean}). Two snapshots
 * give a slice's CPU, GC pauses and allocation.
 */
final class Usage {
  private static final com.sun.management.OperatingSystemMXBean OS =
      (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
  static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
  /**
   * The collectors whose collections stop the application: with G1 (the default here) "G1 Young
   * Generation" (young and mixed pauses) and "G1 Old Generation" (full GCs); beans of concurrent
   * work ("… Cycles", "… Concurrent …" on other collectors and newer JDKs) are left out.
   */
  static final List<GarbageCollectorMXBean> PAUSING = ManagementFactory.getGarbageCollectorMXBeans().stream()
      .filter(b -> !b.getName().contains("Cycles") && !b.getName().contains("Concurrent"))
      .toList();

  static {
    if (THREADS.isThreadAllocatedMemorySupported() && !THREADS.isThreadAllocatedMemoryEnabled()) {
      THREADS.setThreadAllocatedMemoryEnabled(true);
    }
  }

  /**
   * One reading. {@code ids}/{@code bytes}: allocated bytes per live thread; {@code stealTicks} and
   * {@code cpuTicks}: the machine's CPU time stolen by the hypervisor and its CPU time in all, from
   * {@code /proc/stat} (-1 where unreadable); {@code jitMillis}: time the JIT compilers have spent
   * compiling since JVM start (-1 where the JVM does not say).
   */
  record Snapshot(long cpuNanos, long gcCount, long gcMillis, long[] ids, long[] bytes, long stealTicks,
      long cpuTicks, long jitMillis) {}

  private Usage() {}

  static Snapshot take() {
    long count = 0;
    long millis = 0;
    for (GarbageCollectorMXBean b : PAUSING) {
      count += Math.max(0, b.getCollectionCount());
      millis += Math.max(0, b.getCollectionTime());
    }
    long[] ids = THREADS.getAllThreadIds();
    long[] bytes = THREADS.getThreadAllocatedBytes(ids);
    long[] ticks = machineTicks();
    return new Snapshot(OS.getProcessCpuTime(), count, millis, ids, bytes, ticks[0], ticks[1], jitMillis());
  }

  /**
   * Compilation time of all JIT compiler threads so far. JIT work during a slice takes CPU from a
   * 2-core machine's clients (C2 can hold a core for seconds after a new code path warms up), so a
   * client whose slices show it was measured while the JVM was still compiling for it.
   */
  static long jitMillis() {
    java.lang.management.CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
    return jit != null && jit.isCompilationTimeMonitoringSupported() ? jit.getTotalCompilationTime() : -1;
  }

  /**
   * {steal, total} ticks of the machine's first {@code /proc/stat} line: on a virtual machine,
   * steal is time our vCPUs were ready but the host ran something else, which no figure of ours
   * can see otherwise; {-1, -1} off Linux.
   */
  static long[] machineTicks() {
    try (java.io.BufferedReader r = java.nio.file.Files.newBufferedReader(java.nio.file.Path.of("/proc/stat"))) {
      String[] f = r.readLine().trim().split("\\s+"); // cpu user nice system idle iowait irq softirq steal ...
      long total = 0;
      for (int i = 1; i < f.length && i <= 8; i++) {
        total += Long.parseLong(f[i]);
      }
      return new long[] {f.length > 8 ? Long.parseLong(f[8]) : 0, total};
    } catch (java.io.IOException | RuntimeException e) {
      return new long[] {-1, -1};
    }
  }

  /**
   * Bytes allocated between two snapshots by the threads alive at {@code after} (a thread started
   * in between counts from zero), leaving out {@code exclude} (threads that report their own
   * bytes, e.g. callers that have just ended). Threads that ended in between without reporting are
   * missed (their counter is gone with them).
   */
  static long allocated(Snapshot before, Snapshot after, Set<Long> exclude) {
    Map<Long, Long> was = new HashMap<>(before.ids.length * 2);
    for (int i = 0; i < before.ids.length; i++) {
      if (before.bytes[i] >= 0) {
        was.put(before.ids[i], before.bytes[i]);
      }
    }
    long sum = 0;
    for (int i = 0; i < after.ids.length; i++) {
      if (after.bytes[i] < 0 || exclude.contains(after.ids[i])) {
        continue;
      }
      sum += after.bytes[i] - was.getOrDefault(after.ids[i], 0L);
    }
    return sum;
  }

  static String collectors() {
    return PAUSING.stream().map(GarbageCollectorMXBean::getName).toList().toString();
  }
}
