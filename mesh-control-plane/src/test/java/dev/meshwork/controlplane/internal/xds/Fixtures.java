package dev.meshwork.controlplane.internal.xds;

import dev.meshwork.controlplane.internal.model.Destination;
import dev.meshwork.controlplane.internal.model.DestinationRule;
import dev.meshwork.controlplane.internal.model.Endpoint;
import dev.meshwork.controlplane.internal.model.Fault;
import dev.meshwork.controlplane.internal.model.HttpMatch;
import dev.meshwork.controlplane.internal.model.HttpRoute;
import dev.meshwork.controlplane.internal.model.LocalRateLimit;
import dev.meshwork.controlplane.internal.model.Locality;
import dev.meshwork.controlplane.internal.model.MeshConfig;
import dev.meshwork.controlplane.internal.model.Mirror;
import dev.meshwork.controlplane.internal.model.Retries;
import dev.meshwork.controlplane.internal.model.ServiceEntry;
import dev.meshwork.controlplane.internal.model.Source;
import dev.meshwork.controlplane.internal.model.StringMatch;
import dev.meshwork.controlplane.internal.model.Subset;
import dev.meshwork.controlplane.internal.model.TrafficPolicy;
import dev.meshwork.controlplane.internal.model.VirtualService;
import dev.meshwork.controlplane.internal.model.WorkloadEntry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Tiny builders for model records, so tests read like the YAML they stand for. */
final class Fixtures {
  private Fixtures() {}

  static MeshConfig config(Object... resources) {
    List<VirtualService> vs = new ArrayList<>();
    List<DestinationRule> dr = new ArrayList<>();
    List<ServiceEntry> se = new ArrayList<>();
    List<WorkloadEntry> we = new ArrayList<>();
    for (Object r : resources) {
      if (r instanceof VirtualService v) {
        vs.add(v);
      } else if (r instanceof DestinationRule d) {
        dr.add(d);
      } else if (r instanceof ServiceEntry s) {
        se.add(s);
      } else if (r instanceof WorkloadEntry w) {
        we.add(w);
      } else {
        throw new IllegalArgumentException(String.valueOf(r));
      }
    }
    return new MeshConfig(vs, dr, se, we);
  }

  static Source source(String kind, String name) {
    return new Source(name + ".yaml", 0, kind, name, "default");
  }

  static VirtualService vs(String host, Route... routes) {
    return vs(host, null, routes);
  }

  static VirtualService vs(String host, LocalRateLimit rateLimit, Route... routes) {
    return new VirtualService(source("VirtualService", host), List.of(host), Arrays.stream(routes).map(Route::build).toList(),
        rateLimit);
  }

  static Route route(Destination... destinations) {
    return new Route(List.of(destinations));
  }

  static Destination dest(String host) {
    return new Destination(host, null, 0, 100);
  }

  static Destination dest(String host, String subset, int weight) {
    return new Destination(host, subset, 0, weight);
  }

  static Destination dest(String host, int port) {
    return new Destination(host, null, port, 100);
  }

  static StringMatch exact(String v) {
    return new StringMatch(StringMatch.Kind.EXACT, v);
  }

  static StringMatch prefix(String v) {
    return new StringMatch(StringMatch.Kind.PREFIX, v);
  }

  static StringMatch regex(String v) {
    return new StringMatch(StringMatch.Kind.REGEX, v);
  }

  static Match match() {
    return new Match();
  }

  static DestinationRule dr(String host, TrafficPolicy policy, Subset... subsets) {
    return new DestinationRule(source("DestinationRule", host), host, policy, List.of(subsets), null);
  }

  static Subset subset(String name, Map<String, String> labels) {
    return new Subset(name, labels, null);
  }

  static TrafficPolicy lb(TrafficPolicy.Simple simple) {
    return new TrafficPolicy(new TrafficPolicy.LoadBalancer(simple, null), null, null);
  }

  static TrafficPolicy hash(TrafficPolicy.ConsistentHash ch) {
    return new TrafficPolicy(new TrafficPolicy.LoadBalancer(null, ch), null, null);
  }

  static ServiceEntry se(String host, int... ports) {
    List<ServiceEntry.Port> p = Arrays.stream(ports).mapToObj(n -> new ServiceEntry.Port(n, "http-" + n, "HTTP", 0)).toList();
    return new ServiceEntry(source("ServiceEntry", host), List.of(host), p, List.of(), Map.of());
  }

  /** A registered instance: serves every port of its service on {@code port}. */
  static Endpoint instance(String service, String ip, int port, Map<String, String> labels) {
    return instance(service, ip, port, labels, Locality.NONE, 0);
  }

  static Endpoint instance(String service, String ip, int port, Map<String, String> labels, Locality locality, int weight) {
    return new Endpoint(service, ip, Map.of(Endpoint.ANY_PORT, port), labels, locality, weight, "registry:" + ip);
  }

  /** Mutable HTTPRoute builder. */
  static final class Route {
    String name;
    final List<HttpMatch> matches = new ArrayList<>();
    final List<Destination> destinations;
    Duration timeout;
    Retries retries;
    Fault fault;
    final List<Mirror> mirrors = new ArrayList<>();

    Route(List<Destination> destinations) {
      this.destinations = destinations;
    }

    Route name(String n) {
      name = n;
      return this;
    }

    Route match(Match m) {
      matches.add(m.build());
      return this;
    }

    Route timeout(Duration t) {
      timeout = t;
      return this;
    }

    Route retries(Retries r) {
      retries = r;
      return this;
    }

    Route fault(Fault f) {
      fault = f;
      return this;
    }

    Route mirror(Destination d, double percentage) {
      mirrors.add(new Mirror(d, percentage));
      return this;
    }

    HttpRoute build() {
      return new HttpRoute(name, matches, destinations, timeout, retries, fault, mirrors);
    }
  }

  /** Mutable HTTPMatchRequest builder. */
  static final class Match {
    String name;
    StringMatch uri;
    boolean ignoreUriCase;
    StringMatch method;
    final Map<String, StringMatch> headers = new LinkedHashMap<>();
    final Map<String, StringMatch> withoutHeaders = new LinkedHashMap<>();
    final Map<String, StringMatch> queryParams = new LinkedHashMap<>();

    Match name(String n) {
      name = n;
      return this;
    }

    Match uri(StringMatch m) {
      uri = m;
      return this;
    }

    Match ignoreUriCase() {
      ignoreUriCase = true;
      return this;
    }

    Match method(StringMatch m) {
      method = m;
      return this;
    }

    Match header(String h, StringMatch m) {
      headers.put(h, m);
      return this;
    }

    Match without(String h, StringMatch m) {
      withoutHeaders.put(h, m);
      return this;
    }

    Match query(String q, StringMatch m) {
      queryParams.put(q, m);
      return this;
    }

    HttpMatch build() {
      return new HttpMatch(name, uri, ignoreUriCase, method, headers, withoutHeaders, queryParams);
    }
  }
}
