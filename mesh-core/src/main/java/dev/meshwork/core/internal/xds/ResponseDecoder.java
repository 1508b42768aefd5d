package dev.meshwork.core.internal.xds;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import io.envoyproxy.envoy.service.discovery.v3.Resource;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Unpacks and parses the resources of one response; stateless. */
final class ResponseDecoder {
  private static final String RESOURCE_WRAPPER = "type.googleapis.com/" + Resource.getDescriptor().getFullName();

  /** One accepted resource: the proto (for change detection), its Any (to persist), the value. */
  record Parsed(String name, Message proto, Any raw, Object value) {}

  /**
   * Outcome of one response.
   *
   * @param valid subscribed resources that parsed, by name
   * @param invalid subscribed resources that did not, name → reason
   * @param unnamed errors not attributable to a resource name (unpackable Any, wrong type)
   */
  record Result(Map<String, Parsed> valid, Map<String, String> invalid, List<String> unnamed) {
    boolean accepted() {
      return invalid.isEmpty() && unnamed.isEmpty();
    }

    /**
     * The NACK's error_detail: every problem, separated by "; ", each naming its resource (parsers'
     * reasons already read "cluster NAME: field ..."; others get a "name: " prefix).
     */
    String errorDetail() {
      List<String> all = new ArrayList<>(unnamed);
      invalid.forEach((name, why) -> all.add(why.contains(" " + name + ": ") ? why : name + ": " + why));
      return String.join("; ", all);
    }
  }

  private ResponseDecoder() {}

  /** Decodes {@code resources}; only names in {@code subscribed} are parsed (others are ignored). */
  static Result decode(ResourceParser<?> parser, List<Any> resources, Set<String> subscribed) {
    Map<String, Parsed> valid = new LinkedHashMap<>();
    Map<String, String> invalid = new LinkedHashMap<>();
    List<String> unnamed = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < resources.size(); i++) {
      Any any = resources.get(i);
      Message proto;
      Any raw;
      try {
        raw = unwrap(any);
        proto = unpack(parser, raw);
      } catch (InvalidProtocolBufferException e) {
        unnamed.add("resources[" + i + "] (" + any.getTypeUrl() + "): cannot unpack: " + e.getMessage());
        continue;
      }
      String name = parser.name(proto);
      if (!subscribed.contains(name)) {
        continue;
      }
      if (!seen.add(name)) {
        // Two versions of one resource in one response: neither can be trusted over the other.
        valid.remove(name);
        invalid.put(name, "duplicate resource name in one response");
        continue;
      }
      try {
        valid.put(name, new Parsed(name, proto, raw, parse(parser, proto)));
      } catch (InvalidResourceException e) {
        invalid.put(name, e.getMessage());
      }
    }
    return new Result(valid, invalid, unnamed);
  }

  /** Parses one resource loaded from disk, where the Any is stored already unwrapped. */
  static Parsed decodeStored(ResourceParser<?> parser, Any raw)
      throws InvalidProtocolBufferException, InvalidResourceException {
    Message proto = unpack(parser, raw);
    return new Parsed(parser.name(proto), proto, raw, parse(parser, proto));
  }

  private static Object parse(ResourceParser<?> parser, Message proto) throws InvalidResourceException {
    try {
      Object value = parser.parse(proto);
      if (value == null) {
        throw new InvalidResourceException("parser " + parser.getClass().getName() + " returned null");
      }
      return value;
    } catch (RuntimeException e) {
      // A parser bug must not take the client down; it reads as an invalid resource instead.
      throw new InvalidResourceException("parser failed: " + e, e);
    }
  }

  // Servers may wrap resources in envoy.service.discovery.v3.Resource (xDS "resource in SotW").
  private static Any unwrap(Any any) throws InvalidProtocolBufferException {
    return RESOURCE_WRAPPER.equals(any.getTypeUrl()) ? any.unpack(Resource.class).getResource() : any;
  }

  private static Message unpack(ResourceParser<?> parser, Any any) throws InvalidProtocolBufferException {
    if (!parser.typeUrl().equals(any.getTypeUrl())) {
      throw new InvalidProtocolBufferException("type " + any.getTypeUrl() + " in a " + parser.typeUrl() + " response");
    }
    return any.unpack(parser.protoClass());
  }
}
