package dev.meshwork.controlplane.internal.model;

import java.util.List;
import java.util.Map;

/**
 * Istio {@code security.istio.io} AuthorizationPolicy, ALLOW or DENY. Semantics follow Istio: a
 * policy selects workloads of its namespace (every namespace when in the root namespace), by
 * {@code selector.matchLabels} or all of them when the selector is empty; a request matches a rule
 * when every part present (from, to, when) matches; an ALLOW policy without rules allows nothing.
 */
public record AuthorizationPolicy(Source source, String namespace, Map<String, String> selector, Action action, List<Rule> rules) {
  /** Actions Meshwork applies. */
  public enum Action { ALLOW, DENY }

  public AuthorizationPolicy {
    selector = Map.copyOf(selector);
    rules = List.copyOf(rules);
  }

  /** One rule: any {@code from} matches (empty = any), any {@code to}, and every {@code when}. */
  public record Rule(List<From> from, List<To> to, List<Condition> when) {
    public Rule {
      from = List.copyOf(from);
      to = List.copyOf(to);
      when = List.copyOf(when);
    }
  }

  /** {@code from[].source}: every non-empty field must match. */
  public record From(List<String> principals, List<String> notPrincipals, List<String> namespaces,
      List<String> notNamespaces, List<String> ipBlocks, List<String> notIpBlocks) {
    public From {
      principals = List.copyOf(principals);
      notPrincipals = List.copyOf(notPrincipals);
      namespaces = List.copyOf(namespaces);
      notNamespaces = List.copyOf(notNamespaces);
      ipBlocks = List.copyOf(ipBlocks);
      notIpBlocks = List.copyOf(notIpBlocks);
    }
  }

  /** {@code to[].operation}: every non-empty field must match. */
  public record To(List<String> paths, List<String> notPaths, List<String> methods, List<String> notMethods,
      List<Integer> ports, List<Integer> notPorts) {
    public To {
      paths = List.copyOf(paths);
      notPaths = List.copyOf(notPaths);
      methods = List.copyOf(methods);
      notMethods = List.copyOf(notMethods);
      ports = List.copyOf(ports);
      notPorts = List.copyOf(notPorts);
    }
  }

  /** {@code when[]}: key is {@code request.headers[name]}, {@code source.principal}, {@code source.namespace} or {@code source.ip}. */
  public record Condition(String key, List<String> values, List<String> notValues) {
    public Condition {
      values = List.copyOf(values);
      notValues = List.copyOf(notValues);
    }
  }
}
