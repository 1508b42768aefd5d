package dev.meshwork.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The benchmark tooling works end to end, in a run far too short to measure anything: every
 * client of the load harness answers without an error (the mTLS ones with their certificate seen
 * by the server on every call), every fan-out stream ACKs the new version, and the report has a
 * verdict row for each target. Figures are not checked: they belong to {@code benchmarks/run.sh}.
 */
class HarnessSmokeIT {
  @Test
  void loadHarness_everyClientAnswers_andTheReportJudgesEveryTarget() throws Exception {
    LoadHarness.Settings s = new LoadHarness.Settings(200, 1, 1, 0, 2, "on", 250, "both", false);
    Figures f = new Figures();
    try (LoadHarness h = new LoadHarness(s)) {
      h.run(0, f);
    }
    for (String v : List.of("plaintext", "mtls")) {
      for (String p : List.of("http", "grpc")) {
        for (String c : List.of("bare", "mesh")) {
          String open = v + "." + p + ".open." + c + ".";
          String closed = v + "." + p + ".closed." + c + ".";
          assertEquals(0, f.median(open + "errors"), open + "errors");
          assertEquals(0, f.median(closed + "errors"), closed + "errors");
          assertTrue(f.median(open + "p50") > 0 && f.median(closed + "rps") > 0, open + " measured nothing");
          if (v.equals("mtls")) {
            assertEquals(1.0, f.median(open + "tls"), open + ": the server saw the client certificate on every call");
            assertEquals(1.0, f.median(closed + "tls"), closed + ": the server saw the client certificate on every call");
          }
        }
      }
    }
    String md = Report.markdown(f, 1, s, false, 1, 1);
    for (String v : List.of("plaintext", "mtls")) {
      for (String p : List.of("http", "grpc")) {
        for (String target : List.of("1. p50", "1. p99", "2. closed-loop", "3. CPU/request")) {
          assertTrue(md.lines().anyMatch(l -> l.startsWith("| " + target) && l.contains("| " + v + " | " + p + " |")
              && (l.endsWith("| met |") || l.endsWith("| **missed** |"))), target + " " + v + " " + p + " in\n" + md);
        }
      }
    }
  }

  @Test
  void fanOut_everyStreamAcksTheEdit_sotwAndDelta() throws Exception {
    try (BenchMesh cp = new BenchMesh()) {
      cp.apply("reviews.yaml", FanOut.weights(0));
      int flip = 1;
      for (FanOut.Protocol p : FanOut.Protocol.values()) {
        FanOut.Result r = FanOut.measure(cp, p, 20, flip++); // throws unless all 20 ACK the new version
        assertTrue(r.p50Ms() > 0 && r.p50Ms() <= r.p99Ms() && r.p99Ms() <= r.maxMs(), p + " " + r);
      }
    }
  }
}
