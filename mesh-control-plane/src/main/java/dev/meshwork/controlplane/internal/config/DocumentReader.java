package dev.meshwork.controlplane.internal.config;

import com.fasterxml.jackson.databind.JsonNode;
import dev.meshwork.controlplane.internal.model.DestinationRule;
import dev.meshwork.controlplane.internal.model.Source;
import dev.meshwork.controlplane.internal.model.WorkloadEntry;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Kubernetes envelope of one document: apiVersion and kind decide what it is, metadata names
 * it, spec goes to the kind's parser. Documents of non-Istio API groups (Namespaces, Deployments...
 * that users keep next to mesh config) are skipped with an INFO log line; Istio kinds Meshwork does
 * not apply are errors.
 */
final class DocumentReader {
  private static final Logger log = LoggerFactory.getLogger(DocumentReader.class);
  private static final Schema TOP = Schema.of("apiVersion", "kind", "metadata", "spec", "status");
  private static final Schema METADATA = Schema.of("name", "namespace", "labels", "annotations", "uid",
      "resourceVersion", "generation", "creationTimestamp", "managedFields", "finalizers", "ownerReferences",
      "generateName", "deletionTimestamp", "deletionGracePeriodSeconds");
  private static final String NETWORKING = "networking.istio.io";
  private static final List<String> VERSIONS = List.of("v1", "v1beta1", "v1alpha3");
  private static final List<String> KINDS = List.of("VirtualService", "DestinationRule", "ServiceEntry", "WorkloadEntry");
  private static final String SECURITY = "security.istio.io";
  private static final List<String> SECURITY_VERSIONS = List.of("v1", "v1beta1");
  private static final List<String> SECURITY_KINDS = List.of("PeerAuthentication", "AuthorizationPolicy");

  private DocumentReader() {}

  /**
   * Validates one document and adds its resource to {@code out}.
   *
   * @param seen first place each "kind/namespace/name" was defined, to report duplicates
   */
  static void read(DocContext ctx, JsonNode doc, Parsed.Resources out, Map<String, Source> seen) {
    if (!doc.isObject()) {
      ctx.error("", "expected a resource (a mapping with apiVersion, kind, metadata, spec), got " + Texts.describe(doc));
      return;
    }
    String apiVersion = envelopeString(ctx, doc, "apiVersion");
    String kind = envelopeString(ctx, doc, "kind");
    if (apiVersion == null || kind == null) {
      return;
    }
    ctx.kind = kind;
    JsonNode md = doc.get("metadata");
    if (md != null && md.path("name").isTextual()) { // so that every error below names the resource
      ctx.name = md.get("name").textValue();
      ctx.namespace = md.path("namespace").isTextual() ? md.get("namespace").textValue() : "default";
    }
    int slash = apiVersion.indexOf('/');
    String group = slash < 0 ? "" : apiVersion.substring(0, slash);
    if (!group.equals("istio.io") && !group.endsWith(".istio.io")) {
      log.info("{} doc {}: skipping {} ({}): not an Istio resource", printable(ctx.file), ctx.document, printable(kind),
          printable(apiVersion));
      return;
    }
    if (group.equals(NETWORKING) && !VERSIONS.contains(apiVersion.substring(slash + 1))) {
      ctx.error("apiVersion", Texts.quote(apiVersion) + " is not a supported version (expected "
          + NETWORKING + "/ followed by " + String.join(", ", VERSIONS) + ")");
      return;
    }
    if (group.equals(SECURITY) && !SECURITY_VERSIONS.contains(apiVersion.substring(slash + 1))) {
      ctx.error("apiVersion", Texts.quote(apiVersion) + " is not a supported version (expected "
          + SECURITY + "/ followed by " + String.join(", ", SECURITY_VERSIONS) + ")");
      return;
    }
    boolean known = group.equals(NETWORKING) ? KINDS.contains(kind) : group.equals(SECURITY) && SECURITY_KINDS.contains(kind);
    if (!known) {
      ctx.error("", "kind " + kind + " (" + apiVersion + ") is not supported by Meshwork yet");
      return;
    }
    ObjectReader top = ObjectReader.of(ctx, "", doc, TOP);
    Map<String, String> annotations = metadata(ctx, top);
    boolean duplicate = false;
    if (!ctx.name.isEmpty()) {
      Source first = seen.putIfAbsent(kind + "/" + ctx.namespace + "/" + ctx.name, ctx.source());
      if (first != null) {
        ctx.error("metadata.name", "duplicate " + kind + " " + ctx.qualifiedName() + ": also defined in "
            + first.file() + " doc " + first.document());
        duplicate = true;
      }
    }
    if (!top.require("spec")) {
      return;
    }
    JsonNode spec = top.get("spec");
    switch (kind) {
      case "VirtualService" -> {
        var vs = VirtualServiceParser.parse(ctx, spec, Annotations.localRateLimit(ctx, annotations));
        if (!duplicate) {
          out.virtualServices.add(vs);
        }
      }
      case "DestinationRule" -> {
        DestinationRule dr = DestinationRuleParser.parse(ctx, spec, annotations);
        if (dr != null && !duplicate) {
          out.destinationRules.add(dr);
        }
      }
      case "ServiceEntry" -> {
        var se = ServiceEntryParser.parseServiceEntry(ctx, spec);
        if (!duplicate) {
          out.serviceEntries.add(se);
        }
      }
      case "PeerAuthentication" -> {
        var pa = PeerAuthenticationParser.parse(ctx, spec);
        if (pa != null && !duplicate) {
          out.peerAuthentications.add(pa);
        }
      }
      case "AuthorizationPolicy" -> {
        var ap = AuthorizationPolicyParser.parse(ctx, spec);
        if (ap != null && !duplicate) {
          out.authorizationPolicies.add(ap);
        }
      }
      default -> {
        WorkloadEntry we = ServiceEntryParser.parseWorkloadEntry(ctx, spec);
        if (we != null && !duplicate) {
          out.workloadEntries.add(we);
        }
      }
    }
  }

  /** User text for a log line: no control characters (no forged log lines), bounded length. */
  private static String printable(String s) {
    return Texts.abbreviate(s.replaceAll("[\\p{Cntrl}\\p{Zl}\\p{Zp}\\p{Cf}]", "?"));
  }

  private static String envelopeString(DocContext ctx, JsonNode doc, String key) {
    JsonNode v = doc.get(key);
    if (v == null || v.isNull()) {
      ctx.error(key, "is required");
      return null;
    }
    String s = ObjectReader.string(ctx, key, v);
    if (s != null && s.isBlank()) {
      ctx.error(key, "must not be empty");
      return null;
    }
    return s;
  }

  /** Checks metadata and returns the annotations (Meshwork's own validated, see {@link Annotations}). */
  private static Map<String, String> metadata(DocContext ctx, ObjectReader top) {
    if (!top.require("metadata")) {
      ctx.name = "";
      return Map.of();
    }
    ObjectReader md = top.object("metadata", METADATA);
    String name = md.requiredString("name");
    if (name != null && !Names.isDnsSubdomain(name)) {
      ctx.error(md.path("name"), Texts.quote(name)
          + " is not a valid name (expected lowercase letters, digits, '-' and '.', starting and ending alphanumeric)");
    }
    String namespace = md.string("namespace");
    if (namespace != null && !Names.isDnsLabel(namespace)) {
      ctx.error(md.path("namespace"), Texts.quote(namespace)
          + " is not a valid namespace (expected an RFC 1123 label: lowercase letters, digits and '-')");
    }
    Fields.labels(md, "labels");
    Map<String, String> annotations = Annotations.read(ctx, md);
    if (name == null) {
      ctx.name = "";
    }
    return annotations;
  }
}
