package dev.meshwork.controlplane.internal.config;

import dev.meshwork.controlplane.internal.config.ObjectReader.Item;
import dev.meshwork.controlplane.internal.model.AuthorizationPolicy.Condition;
import dev.meshwork.controlplane.internal.model.AuthorizationPolicy.From;
import dev.meshwork.controlplane.internal.model.AuthorizationPolicy.Rule;
import dev.meshwork.controlplane.internal.model.AuthorizationPolicy.To;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * One AuthorizationPolicy rule: {@code from[].source}, {@code to[].operation}, {@code when[]}.
 * Values follow Istio: {@code *} alone, as a prefix or as a suffix is a wildcard; nothing else is.
 * Only what gRPC's RBAC filter (gRFC A41) can evaluate is accepted: JWT request principals,
 * remote IP blocks, hosts and the other condition keys are errors.
 */
final class AuthorizationRuleParser {
  private static final Schema RULE = Schema.of("from", "to", "when");
  private static final Schema FROM = Schema.of("source");
  private static final Schema TO = Schema.of("operation");
  private static final Schema SOURCE = Schema.of("principals", "notPrincipals", "namespaces", "notNamespaces",
          "ipBlocks", "notIpBlocks")
      .unsupported("requestPrincipals", "notRequestPrincipals", "remoteIpBlocks", "notRemoteIpBlocks",
          "serviceAccounts", "notServiceAccounts");
  private static final Schema OPERATION = Schema.of("paths", "notPaths", "methods", "notMethods", "ports", "notPorts")
      .unsupported("hosts", "gRPC servers see no host for authorization")
      .unsupported("notHosts", "gRPC servers see no host for authorization");
  private static final Schema CONDITION = Schema.of("key", "values", "notValues");
  /** Condition keys Istio defines that Meshwork cannot apply (gRFC A41 has no JWT, SNI or remote IP). */
  private static final List<String> UNSUPPORTED_KEYS = List.of("source.remote_ip", "request.auth.principal",
      "request.auth.audiences", "request.auth.presenter", "destination.ip", "destination.port", "connection.sni",
      "experimental.envoy.filters.network.mysql_proxy");

  private AuthorizationRuleParser() {}

  /** The rule, or null when it has errors (reported). */
  static Rule rule(DocContext ctx, Item item) {
    int before = ctx.errorCount();
    ObjectReader r = ObjectReader.of(ctx, item.path(), item.node(), RULE);
    List<From> from = new ArrayList<>();
    for (Item f : r.list("from")) {
      ObjectReader s = required(ObjectReader.of(ctx, f.path(), f.node(), FROM), "source", SOURCE);
      if (s != null) {
        from.add(new From(values(s, "principals", AuthorizationRuleParser::wildcard),
            values(s, "notPrincipals", AuthorizationRuleParser::wildcard),
            values(s, "namespaces", AuthorizationRuleParser::wildcard),
            values(s, "notNamespaces", AuthorizationRuleParser::wildcard),
            values(s, "ipBlocks", AuthorizationRuleParser::cidr), values(s, "notIpBlocks", AuthorizationRuleParser::cidr)));
      }
    }
    List<To> to = new ArrayList<>();
    for (Item t : r.list("to")) {
      ObjectReader o = required(ObjectReader.of(ctx, t.path(), t.node(), TO), "operation", OPERATION);
      if (o != null) {
        to.add(new To(values(o, "paths", AuthorizationRuleParser::path), values(o, "notPaths", AuthorizationRuleParser::path),
            values(o, "methods", AuthorizationRuleParser::wildcard), values(o, "notMethods", AuthorizationRuleParser::wildcard),
            ports(o, "ports"), ports(o, "notPorts")));
      }
    }
    List<Condition> when = new ArrayList<>();
    for (Item w : r.list("when")) {
      Condition c = condition(ObjectReader.of(ctx, w.path(), w.node(), CONDITION));
      if (c != null) {
        when.add(c);
      }
    }
    return ctx.errorCount() != before ? null : new Rule(from, to, when);
  }

  /** The required, non-empty mapping under {@code key} (Istio: "from.source must not be empty"). */
  private static ObjectReader required(ObjectReader parent, String key, Schema schema) {
    if (!parent.require(key)) {
      return null;
    }
    ObjectReader o = parent.object(key, schema);
    if (!o.valid()) {
      return null;
    }
    if (parent.get(key).isEmpty()) {
      parent.ctx().error(parent.path(key), "must not be empty (name at least one field)");
      return null;
    }
    return o;
  }

  private static Condition condition(ObjectReader c) {
    String key = c.requiredString("key");
    Function<String, String> check = AuthorizationRuleParser::wildcard;
    if (key != null) {
      if (key.equals("source.ip")) {
        check = AuthorizationRuleParser::cidr;
      } else if (key.startsWith("request.headers[") && key.endsWith("]")) {
        String header = key.substring("request.headers[".length(), key.length() - 1);
        String problem = header.isEmpty() ? "header name must not be empty" : HttpMatchParser.headerNameProblem(header);
        if (problem == null && header.startsWith("grpc-")) {
          problem = "gRPC does not expose grpc- headers to authorization (gRFC A41)";
        }
        if (problem != null) {
          c.ctx().error(c.path("key"), Texts.quote(key) + ": " + problem);
        }
      } else if (UNSUPPORTED_KEYS.contains(key)) {
        c.ctx().error(c.path("key"), "not supported by Meshwork yet: " + key
            + " (supported: request.headers[<name>], source.principal, source.namespace, source.ip)");
      } else if (!key.equals("source.principal") && !key.equals("source.namespace")) {
        c.ctx().error(c.path("key"), Texts.quote(key)
            + " is not a condition key (supported: request.headers[<name>], source.principal, source.namespace, source.ip)");
      }
    }
    List<String> values = values(c, "values", check);
    List<String> notValues = values(c, "notValues", check);
    if (c.valid() && values.isEmpty() && notValues.isEmpty() && !c.has("values") && !c.has("notValues")) {
      c.ctx().error(c.path(), "at least one of values, notValues is required");
    }
    return key == null ? null : new Condition(key, values, notValues);
  }

  /** A string list whose elements pass {@code check} (null = fine, else the problem). */
  private static List<String> values(ObjectReader r, String key, Function<String, String> check) {
    List<String> out = new ArrayList<>();
    List<Item> items = r.list(key);
    if (r.has(key) && items.isEmpty() && r.get(key).isArray()) {
      r.ctx().error(r.path(key), "must not be empty (omit it instead)");
    }
    for (Item item : items) {
      String s = ObjectReader.string(r.ctx(), item.path(), item.node());
      String problem = s == null ? null : s.isEmpty() ? "must not be empty" : check.apply(s);
      if (problem != null) {
        r.ctx().error(item.path(), problem);
      } else if (s != null) {
        out.add(s);
      }
    }
    return out;
  }

  private static List<Integer> ports(ObjectReader r, String key) {
    List<Integer> out = new ArrayList<>();
    for (String s : values(r, key, v -> v.matches("[0-9]{1,5}") && Integer.parseInt(v) >= 1 && Integer.parseInt(v) <= 65535
        ? null : Texts.quote(v) + " is not a port number (expected \"1\"..\"65535\")")) {
      out.add(Integer.parseInt(s));
    }
    return out;
  }

  /** Istio's wildcard rule: {@code *}, {@code prefix*} or {@code *suffix}. */
  static String wildcard(String v) {
    long stars = v.chars().filter(c -> c == '*').count();
    if (stars == 0 || v.equals("*") || (stars == 1 && (v.startsWith("*") || v.endsWith("*")))) {
      return null;
    }
    return Texts.quote(v) + ": '*' only as the whole value, a prefix or a suffix";
  }

  private static String path(String v) {
    if (v.contains("{")) {
      return Texts.quote(v) + ": not supported by Meshwork yet: path templates ({*}, {**})";
    }
    return wildcard(v);
  }

  private static String cidr(String v) {
    int slash = v.indexOf('/');
    String ip = slash < 0 ? v : v.substring(0, slash);
    if (!Names.isIpLiteral(ip)) {
      return Texts.quote(v) + " is not an IP address or CIDR block";
    }
    if (slash >= 0) {
      String len = v.substring(slash + 1);
      int max = ip.contains(":") ? 128 : 32;
      if (!len.matches("[0-9]{1,3}") || Integer.parseInt(len) > max) {
        return Texts.quote(v) + " has an invalid prefix length (expected 0.." + max + ")";
      }
    }
    return null;
  }
}
