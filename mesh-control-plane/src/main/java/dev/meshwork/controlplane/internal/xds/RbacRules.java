package dev.meshwork.controlplane.internal.xds;

import com.google.protobuf.UInt32Value;
import dev.meshwork.controlplane.internal.model.AuthorizationPolicy.Condition;
import dev.meshwork.controlplane.internal.model.AuthorizationPolicy.From;
import dev.meshwork.controlplane.internal.model.AuthorizationPolicy.Rule;
import dev.meshwork.controlplane.internal.model.AuthorizationPolicy.To;
import io.envoyproxy.envoy.config.core.v3.CidrRange;
import io.envoyproxy.envoy.config.rbac.v3.Permission;
import io.envoyproxy.envoy.config.rbac.v3.Policy;
import io.envoyproxy.envoy.config.rbac.v3.Principal;
import io.envoyproxy.envoy.config.route.v3.HeaderMatcher;
import io.envoyproxy.envoy.type.matcher.v3.PathMatcher;
import io.envoyproxy.envoy.type.matcher.v3.RegexMatcher;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * One AuthorizationPolicy rule as an RBAC {@link Policy}, shaped as istiod's authz model generates
 * it for gRPC ({@code useAuthenticated}): one permission per {@code to} (AND of its fields, each
 * an OR of values, {@code not*} fields as {@code not_rule}), {@code any} without {@code to}; one
 * principal per {@code from} (AND of its fields plus every {@code when} condition), {@code any}
 * without either. Only matchers gRPC's RbacFilter evaluates (gRFC A41): {@code url_path},
 * {@code header}, {@code destination_port}, {@code authenticated.principal_name},
 * {@code direct_remote_ip}.
 */
final class RbacRules {
  private static final String SPIFFE = "spiffe://";
  private static final String DEFAULT_TRUST_DOMAIN = "cluster.local";

  private RbacRules() {}

  static Policy policy(Rule rule, String trustDomain) {
    Policy.Builder p = Policy.newBuilder();
    if (rule.to().isEmpty()) {
      p.addPermissions(Permission.newBuilder().setAny(true));
    }
    for (To to : rule.to()) {
      List<Permission> and = new ArrayList<>();
      field(and, to.paths(), to.notPaths(), RbacRules::path);
      field(and, to.methods(), to.notMethods(), v -> Permission.newBuilder().setHeader(header(":method", v)).build());
      field(and, to.ports().stream().map(String::valueOf).toList(), to.notPorts().stream().map(String::valueOf).toList(),
          v -> Permission.newBuilder().setDestinationPort(Integer.parseInt(v)).build());
      p.addPermissions(Permission.newBuilder().setAndRules(Permission.Set.newBuilder().addAllRules(and)));
    }
    List<Principal> conditions = new ArrayList<>();
    for (Condition c : rule.when()) {
      ids(conditions, c.values(), c.notValues(), condition(c.key(), trustDomain));
    }
    if (rule.from().isEmpty()) {
      p.addPrincipals(conditions.isEmpty() ? Principal.newBuilder().setAny(true).build()
          : Principal.newBuilder().setAndIds(Principal.Set.newBuilder().addAllIds(conditions)).build());
    }
    for (From from : rule.from()) {
      List<Principal> and = new ArrayList<>();
      ids(and, from.principals(), from.notPrincipals(), v -> principal(v, trustDomain));
      ids(and, from.namespaces(), from.notNamespaces(), RbacRules::namespace);
      ids(and, from.ipBlocks(), from.notIpBlocks(), RbacRules::ip);
      and.addAll(conditions);
      p.addPrincipals(Principal.newBuilder().setAndIds(Principal.Set.newBuilder().addAllIds(and)));
    }
    return p.build();
  }

  private static Function<String, Principal> condition(String key, String trustDomain) {
    return switch (key) {
      case "source.principal" -> v -> principal(v, trustDomain);
      case "source.namespace" -> RbacRules::namespace;
      case "source.ip" -> RbacRules::ip;
      default -> { // request.headers[name]
        String name = key.substring("request.headers[".length(), key.length() - 1);
        yield v -> Principal.newBuilder().setHeader(header(name, v)).build();
      }
    };
  }

  private static void field(List<Permission> and, List<String> values, List<String> notValues,
      Function<String, Permission> one) {
    if (!values.isEmpty()) {
      and.add(Permission.newBuilder().setOrRules(Permission.Set.newBuilder().addAllRules(values.stream().map(one).toList())).build());
    }
    if (!notValues.isEmpty()) {
      and.add(Permission.newBuilder().setNotRule(Permission.newBuilder()
          .setOrRules(Permission.Set.newBuilder().addAllRules(notValues.stream().map(one).toList()))).build());
    }
  }

  private static void ids(List<Principal> and, List<String> values, List<String> notValues, Function<String, Principal> one) {
    if (!values.isEmpty()) {
      and.add(Principal.newBuilder().setOrIds(Principal.Set.newBuilder().addAllIds(values.stream().map(one).toList())).build());
    }
    if (!notValues.isEmpty()) {
      and.add(Principal.newBuilder().setNotId(Principal.newBuilder()
          .setOrIds(Principal.Set.newBuilder().addAllIds(notValues.stream().map(one).toList()))).build());
    }
  }

  private static Permission path(String v) {
    return Permission.newBuilder().setUrlPath(PathMatcher.newBuilder().setPath(stringMatcher(v, ""))).build();
  }

  /**
   * {@code source.principal}: {@code spiffe://<value>} with Istio's wildcards. A principal in the
   * {@code cluster.local} trust domain also matches the mesh's own trust domain (Istio treats
   * {@code cluster.local} as the local trust domain).
   */
  static Principal principal(String v, String trustDomain) {
    Principal p = authenticated(stringMatcher(v, SPIFFE));
    String local = DEFAULT_TRUST_DOMAIN + "/";
    if (v.startsWith(local) && !trustDomain.equals(DEFAULT_TRUST_DOMAIN)) {
      Principal alias = authenticated(stringMatcher(trustDomain + "/" + v.substring(local.length()), SPIFFE));
      return Principal.newBuilder().setOrIds(Principal.Set.newBuilder().addIds(p).addIds(alias)).build();
    }
    return p;
  }

  /** {@code source.namespace}: istiod's regex {@code .*}{@code /ns/<ns>/.*} on the principal name. */
  static Principal namespace(String v) {
    return authenticated(regex(".*/ns/" + v.replace("*", ".*") + "/.*"));
  }

  private static Principal ip(String v) {
    int slash = v.indexOf('/');
    String address = slash < 0 ? v : v.substring(0, slash);
    int len = slash < 0 ? (address.contains(":") ? 128 : 32) : Integer.parseInt(v.substring(slash + 1));
    return Principal.newBuilder().setDirectRemoteIp(CidrRange.newBuilder()
        .setAddressPrefix(address).setPrefixLen(UInt32Value.of(len))).build();
  }

  private static Principal authenticated(StringMatcher m) {
    return Principal.newBuilder().setAuthenticated(Principal.Authenticated.newBuilder().setPrincipalName(m)).build();
  }

  /** istiod's StringMatcherWithPrefix: {@code *} any non-empty, {@code *x} suffix, {@code x*} prefix, else exact. */
  static StringMatcher stringMatcher(String v, String prefix) {
    if (v.equals("*")) {
      return regex(".+");
    } else if (v.startsWith("*")) {
      return prefix.isEmpty() ? StringMatcher.newBuilder().setSuffix(v.substring(1)).build()
          : regex(quoteMeta(prefix) + ".*" + quoteMeta(v.substring(1)));
    } else if (v.endsWith("*")) {
      return StringMatcher.newBuilder().setPrefix(prefix + v.substring(0, v.length() - 1)).build();
    }
    return StringMatcher.newBuilder().setExact(prefix + v).build();
  }

  /** istiod's HeaderMatcher: {@code *} presence, {@code *x} suffix, {@code x*} prefix, else exact. */
  static HeaderMatcher header(String name, String v) {
    HeaderMatcher.Builder h = HeaderMatcher.newBuilder().setName(name);
    if (v.equals("*")) {
      return h.setPresentMatch(true).build();
    }
    return h.setStringMatch(stringMatcher(v, "")).build();
  }

  private static StringMatcher regex(String re) {
    return StringMatcher.newBuilder().setSafeRegex(RegexMatcher.newBuilder().setRegex(re)).build();
  }

  /** Go's regexp.QuoteMeta. */
  static String quoteMeta(String s) {
    StringBuilder b = new StringBuilder();
    for (char c : s.toCharArray()) {
      if ("\\.+*?()|[]{}^$".indexOf(c) >= 0) {
        b.append('\\');
      }
      b.append(c);
    }
    return b.toString();
  }
}
