package dev.meshwork.core.internal.authz;

import dev.meshwork.core.inbound.InboundRequest;
import dev.meshwork.core.internal.model.Matchers;
import java.net.InetAddress;
import java.util.List;

/**
 * One node of an RBAC permission or principal tree (Envoy {@code config.rbac.v3.Permission} /
 * {@code Principal}), compiled once. Matching allocates nothing except the byte copy of an IP
 * address for CIDR rules and the query-less path for {@code url_path} on paths with a query.
 */
public sealed interface RbacMatcher {
  boolean matches(InboundRequest r);

  /** {@code any: true}. */
  record Any() implements RbacMatcher {
    public static final Any INSTANCE = new Any();

    @Override
    public boolean matches(InboundRequest r) {
      return true;
    }
  }

  /** {@code and_rules} / {@code and_ids}: all match (an empty list matches). */
  record And(List<RbacMatcher> all) implements RbacMatcher {
    public And {
      all = List.copyOf(all);
    }

    @Override
    public boolean matches(InboundRequest r) {
      for (int i = 0; i < all.size(); i++) {
        if (!all.get(i).matches(r)) {
          return false;
        }
      }
      return true;
    }
  }

  /** {@code or_rules} / {@code or_ids}, and a policy's permission and principal lists: any matches. */
  record Or(List<RbacMatcher> any) implements RbacMatcher {
    public Or {
      any = List.copyOf(any);
    }

    @Override
    public boolean matches(InboundRequest r) {
      for (int i = 0; i < any.size(); i++) {
        if (any.get(i).matches(r)) {
          return true;
        }
      }
      return false;
    }
  }

  /** {@code not_rule} / {@code not_id}. */
  record Not(RbacMatcher inner) implements RbacMatcher {
    @Override
    public boolean matches(InboundRequest r) {
      return !inner.matches(r);
    }
  }

  /** {@code header}: pseudo headers {@code :path}, {@code :method} come from the request itself. */
  record Header(Matchers.HeaderMatcher matcher) implements RbacMatcher {
    @Override
    public boolean matches(InboundRequest r) {
      String name = matcher.name();
      String v = switch (name) {
        case ":path" -> r.path();
        case ":method" -> r.method();
        case ":authority" -> {
          String a = r.headers().get(name);
          yield a != null ? a : r.headers().get("host");
        }
        default -> r.headers().get(name);
      };
      return matcher.matchesValue(v);
    }
  }

  /** {@code url_path}: the path without query and fragment. */
  record UrlPath(Matchers.StringMatcher path) implements RbacMatcher {
    @Override
    public boolean matches(InboundRequest r) {
      return path.matches(r.pathWithoutQuery());
    }
  }

  /** {@code destination_port} and {@code destination_port_range} ([start, end)). */
  record DestinationPort(int start, int endExclusive) implements RbacMatcher {
    @Override
    public boolean matches(InboundRequest r) {
      return r.destinationPort() >= start && r.destinationPort() < endExclusive;
    }
  }

  /** {@code destination_ip}. */
  record DestinationIp(Cidr cidr) implements RbacMatcher {
    @Override
    public boolean matches(InboundRequest r) {
      return cidr.contains(r.destinationAddress());
    }
  }

  /** {@code source_ip}, {@code direct_remote_ip}, {@code remote_ip} (no proxies in between: all the peer). */
  record SourceIp(Cidr cidr) implements RbacMatcher {
    @Override
    public boolean matches(InboundRequest r) {
      return cidr.contains(r.sourceAddress());
    }
  }

  /**
   * {@code authenticated}: an authenticated peer whose principal matches; {@code name} null
   * (principal_name unset) matches any authenticated peer.
   */
  record Authenticated(Matchers.StringMatcher name) implements RbacMatcher {
    @Override
    public boolean matches(InboundRequest r) {
      String p = r.peerPrincipal();
      return p != null && (name == null || name.matches(p));
    }
  }

  /** An address prefix; addresses of the other family never match. */
  record Cidr(byte[] prefix, int bits) {
    public boolean contains(InetAddress address) {
      if (address == null) {
        return false;
      }
      byte[] a = address.getAddress();
      if (a.length != prefix.length) {
        return false;
      }
      int full = bits / 8;
      for (int i = 0; i < full; i++) {
        if (a[i] != prefix[i]) {
          return false;
        }
      }
      int rest = bits % 8;
      if (rest == 0) {
        return true;
      }
      int mask = (0xFF << (8 - rest)) & 0xFF;
      return (a[full] & mask) == (prefix[full] & mask);
    }
  }
}
