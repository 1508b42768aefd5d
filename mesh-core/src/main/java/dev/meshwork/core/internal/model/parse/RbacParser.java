package dev.meshwork.core.internal.model.parse;

import static dev.meshwork.core.internal.model.parse.BadField.at;

import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import dev.meshwork.core.internal.authz.RbacFilter;
import dev.meshwork.core.internal.authz.RbacMatcher;
import dev.meshwork.core.internal.authz.RbacPolicy;
import io.envoyproxy.envoy.config.core.v3.CidrRange;
import io.envoyproxy.envoy.config.rbac.v3.Permission;
import io.envoyproxy.envoy.config.rbac.v3.Policy;
import io.envoyproxy.envoy.config.rbac.v3.Principal;
import io.envoyproxy.envoy.config.route.v3.HeaderMatcher;
import io.envoyproxy.envoy.extensions.filters.http.rbac.v3.RBAC;
import io.envoyproxy.envoy.type.matcher.v3.PathMatcher;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Envoy's RBAC HTTP filter config ({@code envoy.extensions.filters.http.rbac.v3.RBAC}) to an
 * {@link RbacFilter}, supporting what gRFC A41 supports. Anything that could change a decision
 * and that we cannot evaluate (metadata, conditions, requested server name, the matcher API,
 * extensions) is rejected naming the field, never ignored; stats and shadow rules, which never
 * decide, are ignored.
 */
final class RbacParser {
  private RbacParser() {}

  /** The filter, or null when it decides nothing (no {@code rules}, or action LOG). */
  static RbacFilter filter(RBAC rbac) {
    if (rbac.hasMatcher()) {
      throw new BadField("matcher", "is not supported (expected: rules)");
    }
    if (!rbac.hasRules()) {
      return null;
    }
    return at("rules", () -> rules(rbac.getRules()));
  }

  private static RbacFilter rules(io.envoyproxy.envoy.config.rbac.v3.RBAC rules) {
    RbacFilter.Action action = switch (rules.getAction()) {
      case ALLOW -> RbacFilter.Action.ALLOW;
      case DENY -> RbacFilter.Action.DENY;
      case LOG -> null;
      default -> throw new BadField("action", rules.getAction() + " is not supported (expected: ALLOW, DENY or LOG)");
    };
    List<RbacPolicy> policies = new ArrayList<>();
    for (Map.Entry<String, Policy> e : new TreeMap<>(rules.getPoliciesMap()).entrySet()) {
      policies.add(at("policies[" + Protos.quote(e.getKey()) + "]", () -> policy(e.getKey(), e.getValue())));
    }
    return action == null ? null : new RbacFilter(action, policies);
  }

  private static RbacPolicy policy(String name, Policy p) {
    if (p.hasCondition()) {
      throw new BadField("condition", "is not supported");
    }
    if (p.hasCheckedCondition()) {
      throw new BadField("checked_condition", "is not supported");
    }
    return new RbacPolicy(name, list("permissions", p.getPermissionsList(), RbacParser::permission),
        list("principals", p.getPrincipalsList(), RbacParser::principal));
  }

  private static <P> RbacMatcher.Or list(String field, List<P> items, Function<P, RbacMatcher> parse) {
    List<RbacMatcher> out = new ArrayList<>(items.size());
    for (int i = 0; i < items.size(); i++) {
      P item = items.get(i);
      out.add(at(field + "[" + i + "]", () -> parse.apply(item)));
    }
    return new RbacMatcher.Or(out);
  }

  private static RbacMatcher permission(Permission p) {
    return switch (p.getRuleCase()) {
      case ANY -> RbacMatcher.Any.INSTANCE;
      case AND_RULES -> new RbacMatcher.And(list("and_rules.rules", p.getAndRules().getRulesList(), RbacParser::permission).any());
      case OR_RULES -> list("or_rules.rules", p.getOrRules().getRulesList(), RbacParser::permission);
      case NOT_RULE -> new RbacMatcher.Not(at("not_rule", () -> permission(p.getNotRule())));
      case HEADER -> at("header", () -> header(p.getHeader()));
      case URL_PATH -> at("url_path", () -> urlPath(p.getUrlPath()));
      case DESTINATION_PORT -> new RbacMatcher.DestinationPort(p.getDestinationPort(), p.getDestinationPort() + 1);
      case DESTINATION_PORT_RANGE -> new RbacMatcher.DestinationPort(p.getDestinationPortRange().getStart(),
          p.getDestinationPortRange().getEnd());
      case DESTINATION_IP -> new RbacMatcher.DestinationIp(at("destination_ip", () -> cidr(p.getDestinationIp())));
      case RULE_NOT_SET -> throw new BadField("", "sets no rule");
      default -> throw unsupported(p, p.getRuleCase().getNumber());
    };
  }

  @SuppressWarnings("deprecation") // source_ip: gRFC A41 treats it as remote_ip
  private static RbacMatcher principal(Principal p) {
    return switch (p.getIdentifierCase()) {
      case ANY -> RbacMatcher.Any.INSTANCE;
      case AND_IDS -> new RbacMatcher.And(list("and_ids.ids", p.getAndIds().getIdsList(), RbacParser::principal).any());
      case OR_IDS -> list("or_ids.ids", p.getOrIds().getIdsList(), RbacParser::principal);
      case NOT_ID -> new RbacMatcher.Not(at("not_id", () -> principal(p.getNotId())));
      case AUTHENTICATED -> new RbacMatcher.Authenticated(p.getAuthenticated().hasPrincipalName()
          ? at("authenticated.principal_name", () -> MatcherParser.string(p.getAuthenticated().getPrincipalName()))
          : null);
      case SOURCE_IP -> new RbacMatcher.SourceIp(at("source_ip", () -> cidr(p.getSourceIp())));
      case DIRECT_REMOTE_IP -> new RbacMatcher.SourceIp(at("direct_remote_ip", () -> cidr(p.getDirectRemoteIp())));
      case REMOTE_IP -> new RbacMatcher.SourceIp(at("remote_ip", () -> cidr(p.getRemoteIp())));
      case HEADER -> at("header", () -> header(p.getHeader()));
      case URL_PATH -> at("url_path", () -> urlPath(p.getUrlPath()));
      case IDENTIFIER_NOT_SET -> throw new BadField("", "sets no identifier");
      default -> throw unsupported(p, p.getIdentifierCase().getNumber());
    };
  }

  private static BadField unsupported(Message m, int fieldNumber) {
    FieldDescriptor f = m.getDescriptorForType().findFieldByNumber(fieldNumber);
    return new BadField(f.getName(), "is not supported");
  }

  private static RbacMatcher header(HeaderMatcher h) {
    String name = h.getName();
    if (name.startsWith("grpc-")) {
      throw new BadField("name", Protos.quote(name) + " is not allowed (grpc- headers are not visible to RBAC)");
    }
    return new RbacMatcher.Header(MatcherParser.header(h));
  }

  private static RbacMatcher urlPath(PathMatcher m) {
    if (!m.hasPath()) {
      throw new BadField("", "sets no rule (expected: path)");
    }
    return new RbacMatcher.UrlPath(at("path", () -> MatcherParser.string(m.getPath())));
  }

  private static RbacMatcher.Cidr cidr(CidrRange c) {
    InetAddress a;
    try {
      // An IP literal is never looked up; reject names so no DNS happens on the config path.
      if (!c.getAddressPrefix().matches("[0-9A-Fa-f:.]+")) {
        throw new UnknownHostException("not an IP address");
      }
      a = InetAddress.getByName(c.getAddressPrefix());
    } catch (UnknownHostException e) {
      throw new BadField("address_prefix", Protos.quote(c.getAddressPrefix()) + " is not an IP address");
    }
    byte[] bytes = a.getAddress();
    int bits = c.getPrefixLen().getValue(); // unset is 0, as in Envoy
    if (bits < 0 || bits > bytes.length * 8) {
      throw new BadField("prefix_len", bits + " is out of range (expected: 0.." + bytes.length * 8 + ")");
    }
    return new RbacMatcher.Cidr(bytes, bits);
  }
}
