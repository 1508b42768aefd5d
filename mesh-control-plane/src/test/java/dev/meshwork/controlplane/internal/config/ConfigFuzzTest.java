package dev.meshwork.controlplane.internal.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Mutates valid configs (tree edits: delete/rename/duplicate keys, swap types, huge numbers,
 * unicode; text edits: truncation, garbage, indentation, duplicated lines) and checks that the
 * loader never throws and always returns either a config and no errors, or no config and
 * well-formed errors. Seeded, so a failure reproduces.
 */
class ConfigFuzzTest {
  /** Override with -Dfuzz.seed / -Dfuzz.cases for a longer local hunt; the time limit then grows too. */
  private static final long SEED = Long.getLong("fuzz.seed", 20240611L);
  private static final int CASES = Integer.getInteger("fuzz.cases", 1500);
  private static final YAMLMapper YAML = new YAMLMapper();
  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  private static final String RICH = """
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata: {name: reviews, namespace: shop}
      spec:
        hosts: [reviews]
        http:
        - name: canary
          match:
          - uri: {prefix: /api}
            headers: {x-canary: {exact: "true"}, x-trace: {}}
            queryParams: {v: {regex: "[0-9]+"}}
          route:
          - destination: {host: reviews, subset: v2, port: {number: 9080}}
          timeout: 1.5s
          retries: {attempts: 3, perTryTimeout: 500ms, retryOn: "5xx,503"}
          fault: {delay: {fixedDelay: 1s, percentage: {value: 5}}, abort: {httpStatus: 503}}
        - route:
          - destination: {host: reviews, subset: v1}
            weight: 90
          - destination: {host: reviews, subset: v2}
            weight: 10
      ---
      apiVersion: networking.istio.io/v1
      kind: DestinationRule
      metadata: {name: reviews, namespace: shop}
      spec:
        host: reviews
        trafficPolicy:
          loadBalancer: {consistentHash: {httpCookie: {name: s, ttl: 10s}}}
          connectionPool: {tcp: {maxConnections: 10, connectTimeout: 1s}, http: {h2UpgradePolicy: UPGRADE}}
          outlierDetection: {consecutive5xxErrors: 3, interval: 5s, baseEjectionTime: 30s, maxEjectionPercent: 50}
        subsets:
        - {name: v1, labels: {version: v1}}
        - {name: v2, labels: {version: v2}, trafficPolicy: {loadBalancer: {simple: RANDOM}}}
      ---
      apiVersion: networking.istio.io/v1
      kind: ServiceEntry
      metadata: {name: payments, namespace: shop}
      spec:
        hosts: [payments]
        resolution: STATIC
        ports: [{number: 80, name: http, protocol: HTTP, targetPort: 8080}]
        endpoints: [{address: 10.0.0.1, ports: {http: 8081}, locality: eu/a, weight: 2}]
      ---
      apiVersion: networking.istio.io/v1
      kind: ServiceEntry
      metadata: {name: vms, namespace: shop}
      spec:
        hosts: [vm-app]
        resolution: STATIC
        ports: [{number: 80, name: http, protocol: HTTP}]
        workloadSelector: {labels: {app: vm}}
      ---
      apiVersion: networking.istio.io/v1
      kind: WorkloadEntry
      metadata: {name: vm-1, namespace: shop}
      spec: {address: "2001:db8::1", labels: {app: vm}, ports: {http: 8080}}
      """;

  @Test
  void mutatedConfigs_neverThrow_andAlwaysGiveConfigXorWellFormedErrors() throws IOException {
    List<String> corpus = List.of(RICH, TestConfigs.resource("seeds/000-reviews-fixed.yaml"),
        TestConfigs.resource("seeds/001-product-service.yaml"), TestConfigs.resource("seeds/002-order-service.yaml"),
        TestConfigs.resource("seeds/000-reviews-verbatim.yaml"));
    for (String valid : corpus.subList(0, 4)) {
      assertTrue(load(valid).ok(), "corpus entries must start valid");
    }
    Random random = new Random(SEED);
    int accepted = 0;
    for (int i = 0; i < CASES; i++) {
      String original = corpus.get(random.nextInt(corpus.size()));
      String mutated = random.nextBoolean() ? mutateTree(original, random) : mutateText(original, random);
      LoadResult r;
      try {
        r = load(mutated);
      } catch (Throwable t) {
        throw new AssertionError("case " + i + " threw; input:\n" + mutated, t);
      }
      accepted += check(i, mutated, r) ? 1 : 0;
    }
    // No wall-clock assertion: speed is measured in benchmarks/, not on a shared CI machine.
    assertTrue(accepted < CASES / 2, "most mutations should be rejected, accepted " + accepted);
  }

  private static LoadResult load(String yaml) {
    return ConfigLoader.load(Map.of("fuzz.yaml", yaml));
  }

  /** True when accepted; fails the test when the result breaks the contract. */
  private static boolean check(int i, String input, LoadResult r) {
    assertNotNull(r, "case " + i);
    if (r.ok()) {
      assertNotNull(r.config());
      assertTrue(r.errors().isEmpty());
      return true;
    }
    assertNull(r.config(), "case " + i);
    assertFalse(r.errors().isEmpty(), "case " + i);
    for (ConfigError e : r.errors()) {
      if (e.message().isBlank() || e.file().isEmpty() || e.message().contains("internal error")) {
        fail("case " + i + ": bad error " + e + "\ninput:\n" + input);
      }
      assertEquals("fuzz.yaml", e.file());
      assertFalse(e.toString().isBlank());
      assertFalse(e.toString().contains("\n") || e.toString().contains("\r"), "errors are one line: " + e);
    }
    return false;
  }

  // ---- tree mutations -------------------------------------------------------------------------

  private static String mutateTree(String yaml, Random random) throws IOException {
    List<JsonNode> docs = new ArrayList<>();
    try (MappingIterator<JsonNode> it = YAML.readerFor(JsonNode.class).readValues(yaml)) {
      while (it.hasNextValue()) {
        JsonNode d = it.nextValue();
        if (d != null && d.isObject()) {
          docs.add(d);
        }
      }
    }
    int edits = 1 + random.nextInt(3);
    for (int e = 0; e < edits; e++) {
      List<JsonNode> containers = new ArrayList<>();
      docs.forEach(d -> collectContainers(d, containers));
      mutateContainer(containers.get(random.nextInt(containers.size())), random);
    }
    StringBuilder out = new StringBuilder();
    for (JsonNode d : docs) {
      out.append(YAML.writeValueAsString(d));
    }
    return out.toString();
  }

  private static void collectContainers(JsonNode n, List<JsonNode> out) {
    if (n.isContainerNode()) {
      out.add(n);
      n.forEach(c -> collectContainers(c, out));
    }
  }

  private static void mutateContainer(JsonNode container, Random random) {
    if (container.isObject()) {
      ObjectNode o = (ObjectNode) container;
      List<String> keys = new ArrayList<>();
      o.fieldNames().forEachRemaining(keys::add);
      String key = keys.isEmpty() ? "x" : keys.get(random.nextInt(keys.size()));
      switch (random.nextInt(5)) {
        case 0 -> o.remove(key);
        case 1 -> {
          JsonNode v = o.remove(key);
          o.set(renamed(key, random), v == null ? F.nullNode() : v);
        }
        case 2 -> o.set(key + (random.nextBoolean() ? "" : "2"), randomValue(random));
        case 3 -> o.set(key, randomValue(random));
        default -> o.set(renamed(key, random), o.get(key) == null ? randomValue(random) : o.get(key).deepCopy());
      }
    } else {
      ArrayNode a = (ArrayNode) container;
      switch (random.nextInt(4)) {
        case 0 -> {
          if (!a.isEmpty()) {
            a.remove(random.nextInt(a.size()));
          }
        }
        case 1 -> a.add(randomValue(random));
        case 2 -> {
          if (!a.isEmpty()) {
            a.add(a.get(random.nextInt(a.size())).deepCopy());
          }
        }
        default -> {
          if (!a.isEmpty()) {
            a.set(random.nextInt(a.size()), randomValue(random));
          }
        }
      }
    }
  }

  private static String renamed(String key, Random random) {
    return switch (random.nextInt(4)) {
      case 0 -> key.toUpperCase();
      case 1 -> key.isEmpty() ? "k" : key.substring(1);
      case 2 -> key + "\u00e9";
      default -> "";
    };
  }

  private static JsonNode randomValue(Random random) {
    return switch (random.nextInt(14)) {
      case 0 -> F.textNode("abc");
      case 1 -> F.numberNode(random.nextInt(200_000) - 100_000);
      case 2 -> F.numberNode(new BigInteger("9".repeat(1 + random.nextInt(40))));
      case 3 -> F.numberNode(random.nextDouble() * 1e6);
      case 4 -> F.booleanNode(random.nextBoolean());
      case 5 -> F.nullNode();
      case 6 -> F.arrayNode().add("x").add(1);
      case 7 -> F.objectNode().put("exact", "\u2603\ud83d\ude00");
      case 8 -> F.textNode("*");
      case 9 -> F.textNode("1" + "hmsu".charAt(random.nextInt(4)) + "s");
      case 10 -> F.objectNode();
      case 11 -> F.textNode("\u0000\t\n\u202e weird");
      case 12 -> F.numberNode(Double.NaN);
      default -> F.textNode("x".repeat(random.nextInt(300)));
    };
  }

  // ---- text mutations -------------------------------------------------------------------------

  private static String mutateText(String yaml, Random random) {
    String s = yaml;
    int edits = 1 + random.nextInt(3);
    for (int e = 0; e < edits && !s.isEmpty(); e++) {
      int at = random.nextInt(s.length());
      List<String> lines = new ArrayList<>(List.of(s.split("\n", -1)));
      int line = random.nextInt(lines.size());
      switch (random.nextInt(8)) {
        case 0 -> s = s.substring(0, at); // truncate
        case 1 -> s = s.substring(0, at) + garbage(random) + s.substring(at);
        case 2 -> {
          lines.set(line, " ".repeat(random.nextInt(5)) + lines.get(line).stripLeading()); // re-indent
          s = String.join("\n", lines);
        }
        case 3 -> {
          lines.add(line, lines.get(line)); // duplicate a line: duplicate keys, repeated items
          s = String.join("\n", lines);
        }
        case 4 -> {
          lines.remove(line);
          s = String.join("\n", lines);
        }
        case 5 -> s = s.replaceFirst("\\b[0-9]+\\b", "9".repeat(30));
        case 6 -> s = s.substring(0, at) + "\u00e9\u4e2d\ud83d\ude00" + s.substring(at);
        default -> {
          lines.set(line, "\t" + lines.get(line));
          s = String.join("\n", lines);
        }
      }
    }
    return s;
  }

  private static String garbage(Random random) {
    String chars = ":-{}[]&*!|>'\"%@`#,?\u0000\u0085\ufeff";
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 1 + random.nextInt(4); i++) {
      sb.append(chars.charAt(random.nextInt(chars.length())));
    }
    return sb.toString();
  }
}
