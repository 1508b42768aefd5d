package dev.meshwork.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The verdicts BENCHMARKS.md reports come from this arithmetic: targets, per-run ratios, medians. */
class ReportTest {
  static final LoadHarness.Settings SETTINGS = new LoadHarness.Settings(2000, 10, 10, 6, 8, "on", 1000, "both", false);

  /** Three runs of every load figure the report reads, bare and mesh equal unless a test sets them. */
  static Figures load() {
    Figures f = new Figures();
    for (String v : List.of("plaintext", "mtls")) {
      for (String p : List.of("http", "grpc")) {
        for (String c : List.of("bare", "mesh")) {
          for (int run = 0; run < 3; run++) {
            String open = v + "." + p + ".open." + c + ".";
            String closed = v + "." + p + ".closed." + c + ".";
            for (String k : List.of("p50", "p99", "p999")) {
              f.add(open + k, 100);
            }
            f.add(closed + "rps", 1000);
            f.add(closed + "p50", 100);
            for (String phase : List.of(open, closed)) {
              f.add(phase + "cpu", 50);
              f.add(phase + "kb", 10);
              f.add(phase + "gc", 0);
              f.add(phase + "gcms", 0);
              f.add(phase + "errors", 0);
              if (v.equals("mtls")) {
                f.add(phase + "tls", 1);
                f.add(phase + "sessions", 1);
              }
            }
          }
        }
      }
    }
    return f;
  }

  /** Replaces a figure's runs. */
  static void set(Figures f, String key, double... runs) {
    f.all(key).clear();
    for (double r : runs) {
      f.add(key, r);
    }
  }

  static String row(String markdown, String startsWith) {
    return markdown.lines().filter(l -> l.startsWith(startsWith)).findFirst()
        .orElseThrow(() -> new AssertionError("no row " + startsWith + " in\n" + markdown));
  }

  static String markdown(Figures f) {
    return Report.markdown(f, 3, SETTINGS, false, 1, 1);
  }

  @Test
  void target1_isMeshAtMostFactorTimesBarePlusMicroseconds_onTheMedians() {
    Figures f = load();
    set(f, "plaintext.http.open.bare.p50", 100, 90, 110);
    set(f, "plaintext.http.open.mesh.p50", 123, 500, 100); // median 123 = 1.03 x 100 + 20
    set(f, "mtls.grpc.open.bare.p99", 1000, 1000, 1000);
    set(f, "mtls.grpc.open.mesh.p99", 1101, 1101, 1101); // limit 1.05 x 1000 + 50 = 1100
    String md = markdown(f);
    assertTrue(row(md, "| 1. p50 ≤ 1.03 × bare + 20 µs | plaintext | http |").endsWith("| 123 µs | met |"), md);
    assertTrue(row(md, "| 1. p99 ≤ 1.05 × bare + 50 µs | mtls | grpc |")
        .equals("| 1. p99 ≤ 1.05 × bare + 50 µs | mtls | grpc | mesh 1101 µs (ratio 1.101 (1.101–1.101)) | 1100 µs | **missed** |"), md);
  }

  @Test
  void target2_pairsRunsBeforeTakingTheMedian() {
    Figures f = load();
    // Medians 1100 and 1100 would say 1.0; run by run the mesh lost twice: 1.150, 0.909, 0.917.
    set(f, "plaintext.grpc.closed.bare.rps", 1000, 1100, 1200);
    set(f, "plaintext.grpc.closed.mesh.rps", 1150, 1000, 1100);
    set(f, "mtls.http.closed.mesh.rps", 950, 950, 950); // exactly 0.95: met
    String md = markdown(f);
    assertEquals("| 2. closed-loop throughput ≥ 0.95 × bare | plaintext | grpc | 0.917 (0.909–1.150) | ≥ 0.95 | **missed** |",
        row(md, "| 2. closed-loop throughput ≥ 0.95 × bare | plaintext | grpc |"));
    assertTrue(row(md, "| 2. closed-loop throughput ≥ 0.95 × bare | mtls | http |").endsWith("| met |"), md);
    assertTrue(row(md, "| 2. closed-loop throughput ≥ 0.95 × bare | plaintext | http |").contains("| 1.000 (1.000–1.000) |"), md);
  }

  @Test
  void target3_cpuPerRequest_andTheAllocationRatios() {
    Figures f = load();
    set(f, "plaintext.http.open.mesh.cpu", 55, 56, 54); // 1.10, 1.12, 1.08
    set(f, "mtls.grpc.open.mesh.kb", 15, 15, 15);
    String md = markdown(f);
    assertTrue(row(md, "| 3. CPU/request ≤ 1.10 × bare at 2000 rps | plaintext | http |")
        .endsWith("| 1.100 (1.080–1.120) | ≤ 1.1 | met |"), md);
    assertTrue(md.contains("mtls grpc open 1.50 (1.50–1.50), closed 1.00 (1.00–1.00)."), md);
  }

  @Test
  void fanOutAndHeap_verdicts() {
    Figures f = new Figures();
    for (String p : List.of("sotw", "delta")) {
      for (int n : new int[] {100, 1000}) {
        for (String k : List.of("read", "push", "p50", "p99", "kb", "cpu")) {
          f.add("fanout." + p + "." + n + "." + k, 1);
        }
      }
    }
    f.add("fanout.sotw.100.max", 100);
    f.add("fanout.sotw.1000.max", 200); // T ratio 2.00: met
    f.add("fanout.delta.100.max", 100);
    f.add("fanout.delta.1000.max", 201);
    set(f, "fanout.sotw.1000.p99", 999);
    set(f, "fanout.delta.1000.p99", 1000); // target 5a is strictly under 1 s
    f.add("heap.mb", 8.0);
    f.add("heap.prometheus.mb", 8.01);
    String md = Report.markdown(f, 1, SETTINGS, false, 1, 1);
    assertEquals("| SotW | 999.0 ms: met | 2.00 (2.00–2.00): met |", row(md, "| SotW | 999.0 ms"));
    assertEquals("| delta | 1000.0 ms: **missed** | 2.01 (2.01–2.01): **missed** |", row(md, "| delta | 1000.0 ms"));
    assertTrue(row(md, "| retained heap, meters in a `SimpleMeterRegistry` |").endsWith("| 8.00 (8.00–8.00) | met |"), md);
    assertTrue(row(md, "| retained heap, meters in a `PrometheusMeterRegistry` |").endsWith("| 8.01 (8.01–8.01) | **missed** |"), md);
  }

  @Test
  void medianOfAnEvenCount_isTheMeanOfTheMiddleTwo() {
    assertEquals(2.5, Figures.median(List.of(4.0, 1.0, 3.0, 2.0)));
    assertEquals("2.5 (1.0–4.0)", Figures.cell(List.of(4.0, 1.0, 3.0, 2.0), "%.1f"));
  }
}
