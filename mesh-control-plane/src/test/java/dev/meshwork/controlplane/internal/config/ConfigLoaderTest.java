package dev.meshwork.controlplane.internal.config;

import static dev.meshwork.controlplane.internal.config.TestConfigs.assertError;
import static dev.meshwork.controlplane.internal.config.TestConfigs.assertOk;
import static dev.meshwork.controlplane.internal.config.TestConfigs.destinationRule;
import static dev.meshwork.controlplane.internal.config.TestConfigs.load;
import static dev.meshwork.controlplane.internal.config.TestConfigs.resource;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meshwork.controlplane.internal.model.MeshConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
  @Test
  void loadDirectory_readsYamlFilesSortedByName_andIgnoresHiddenTempAndOtherFiles(@TempDir Path dir) throws IOException {
    Files.writeString(dir.resolve("b-reviews.yml"), resource("seeds/000-reviews-fixed.yaml"));
    Files.writeString(dir.resolve("a-product.yaml"), resource("seeds/001-product-service.yaml"));
    for (String ignored : List.of(".hidden.yaml", ".#a-product.yaml", "a-product.yaml~", "a-product.yaml.swp", "notes.txt")) {
      Files.writeString(dir.resolve(ignored), "this: [is not valid");
    }
    Files.createDirectory(dir.resolve("sub.yaml"));
    Files.writeString(dir.resolve("sub.yaml").resolve("x.yaml"), "not: [read");
    MeshConfig c = assertOk(ConfigLoader.loadDirectory(dir));
    assertEquals(List.of("product-service", "reviews"), c.virtualServices().stream().map(v -> v.hosts().get(0)).toList());
    assertEquals("a-product.yaml", c.virtualServices().get(0).source().file());
  }

  @Test
  void loadDirectory_missingDirectoryOrBadUtf8_isAnErrorNotAnException(@TempDir Path dir) throws IOException {
    assertError(ConfigLoader.loadDirectory(dir.resolve("missing")), "cannot list directory");
    Files.write(dir.resolve("bad.yaml"), new byte[] {'a', ':', ' ', (byte) 0xC3, (byte) 0x28});
    assertError(ConfigLoader.loadDirectory(dir), "bad.yaml: not valid UTF-8");
  }

  @Test
  void emptyChangeSet_isAnEmptyConfig() {
    assertEquals(MeshConfig.EMPTY, assertOk(ConfigLoader.load(Map.of())));
    assertEquals(MeshConfig.EMPTY, assertOk(load("empty.yaml", "", "comments.yaml", "# nothing\n---\n---\n")));
  }

  @Test
  void emptyDocumentsAreSkipped_butCounted() {
    MeshConfig c = assertOk(load("x.yaml", "---\n# leading comment\n---\n\n---\n" + destinationRule("r", "reviews")));
    assertEquals(2, c.destinationRules().get(0).source().document());
  }

  @Test
  void yamlSyntaxError_namesFileDocumentLineAndColumn() {
    LoadResult r = load("ok.yaml", destinationRule("a", "a"), "broken.yaml",
        destinationRule("b", "b") + "---\napiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata:\n  name: c\n"
            + " spec: [unclosed\n");
    ConfigError e = assertError(r, "broken.yaml doc 1: YAML syntax error at line 13, column 2");
    assertEquals(1, e.document());
    assertTrue(e.message().contains("the rest of this file was not read"), e.message());
  }

  @Test
  void duplicateKeysAndAliases_areErrors() {
    assertError(load("dup.yaml", "apiVersion: v1\nkind: A\nkind: B\n"), "dup.yaml doc 0: YAML error at line 3", "duplicate key 'kind'");
    assertError(load("alias.yaml", destinationRule("r", "reviews").replace("subsets:", "x: &a {b: 1}\n  subsets: *a")),
        "alias.yaml doc 0: YAML error", "YAML aliases (*a) are not supported");
  }

  @Test
  void nonIstioDocumentsAreSkipped_otherIstioKindsAreErrors() {
    LoadResult r = load("mixed.yaml", """
        apiVersion: linkerd.io/v1alpha2
        kind: ServiceProfile
        metadata: {name: x}
        ---
        apiVersion: security.istio.io/v1beta1
        kind: RequestAuthentication
        metadata: {name: default, namespace: production}
        spec: {}
        ---
        apiVersion: networking.istio.io/v1
        kind: Gateway
        metadata: {name: gw}
        ---
        apiVersion: telemetry.istio.io/v1alpha1
        kind: Telemetry
        metadata: {name: t}
        ---
        apiVersion: networking.istio.io/v2
        kind: VirtualService
        metadata: {name: future}
        """);
    assertEquals(4, r.errors().size(), TestConfigs.all(r));
    assertError(r, "mixed.yaml doc 1 RequestAuthentication production/default: "
        + "kind RequestAuthentication (security.istio.io/v1beta1) is not supported by Meshwork yet");
    assertError(r, "mixed.yaml doc 2 Gateway default/gw: kind Gateway (networking.istio.io/v1) is not supported by Meshwork yet");
    assertError(r, "mixed.yaml doc 3 Telemetry default/t: kind Telemetry (telemetry.istio.io/v1alpha1) is not supported");
    assertError(r, "mixed.yaml doc 4 VirtualService default/future: apiVersion: \"networking.istio.io/v2\" is not a supported version");
  }

  @Test
  void missingApiVersionOrKind_andNonMappingDocuments_areErrors() {
    LoadResult r = load("x.yaml", "kind: VirtualService\n---\napiVersion: v1\n---\n- a list\n---\njust text\n");
    assertError(r, "x.yaml doc 0: apiVersion: is required");
    assertError(r, "x.yaml doc 1: kind: is required");
    assertError(r, "x.yaml doc 2: expected a resource (a mapping with apiVersion, kind, metadata, spec), got a list");
    assertError(r, "x.yaml doc 3: expected a resource", "got a string (\"just text\")");
  }

  @Test
  void envelope_unknownTopLevelAndMetadataFieldsAreErrors_standardMetadataIsAccepted() {
    String accepted = """
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata:
          name: reviews
          namespace: shop
          uid: 0c9a
          resourceVersion: "1"
          generation: 2
          creationTimestamp: "2024-01-01T00:00:00Z"
          managedFields: [{manager: kubectl}]
          finalizers: [x]
          ownerReferences: []
          generateName: rev-
          labels: {app: reviews}
          annotations: {kubectl.kubernetes.io/last-applied-configuration: "{}"}
        spec: {host: reviews}
        status: {validationMessages: []}
        """;
    assertEquals("shop", assertOk(load("dr.yaml", accepted)).destinationRules().get(0).source().namespace());
    LoadResult r = load("dr.yaml", accepted.replace("status:", "sepc: {}\nstatus:").replace("  uid:", "  nmae: x\n  uid:"));
    assertError(r, "dr.yaml doc 0 DestinationRule shop/reviews: sepc: unknown field (did you mean spec? known: apiVersion, kind, metadata, spec, status)");
    assertError(r, "dr.yaml doc 0 DestinationRule shop/reviews: metadata.nmae: unknown field (did you mean name?");
  }

  @Test
  void duplicateResource_acrossFiles_namesBothPlaces() {
    assertError(load("a.yaml", destinationRule("reviews", "reviews"), "b.yaml", destinationRule("reviews", "ratings")),
        "b.yaml doc 0 DestinationRule default/reviews: metadata.name: duplicate DestinationRule default/reviews: "
            + "also defined in a.yaml doc 0");
    // The same name in another namespace, or of another kind, is a different resource.
    assertOk(load("a.yaml", destinationRule("reviews", "reviews"),
        "b.yaml", destinationRule("reviews", "ratings").replace("name: reviews", "name: reviews\n  namespace: other")));
  }

  @Test
  void anyErrorRejectsTheWholeChangeSet_andAllErrorsAreCollected() {
    LoadResult r = load("good.yaml", resource("seeds/001-product-service.yaml"), "bad1.yaml",
        destinationRule("r", "reviews").replace("host: reviews", "host: reviews\n  trafficPolicy: {foo: 1}"),
        "bad2.yaml", "apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: x}\nspec: {hosts: [x]}\n");
    assertNull(r.config());
    assertFalse(r.ok());
    assertError(r, "bad1.yaml doc 0 DestinationRule default/r: spec.trafficPolicy.foo: unknown field");
    assertError(r, "bad2.yaml doc 0 VirtualService default/x: spec.http: is required");
  }

  @Test
  void byteOrderMark_andCrlfLineEndings_areAccepted() {
    String yaml = "\uFEFF" + resource("seeds/001-product-service.yaml").replace("\n", "\r\n");
    assertEquals(1, assertOk(load("bom.yaml", yaml)).virtualServices().size());
    assertTrue(new String(yaml.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8).startsWith("\uFEFF"));
  }

  @Test
  void configErrorToString_omitsAbsentParts() {
    assertEquals("reviews.yaml doc 0 VirtualService default/reviews: spec.http[0].timeout: \"abc\" is not a duration",
        new ConfigError("reviews.yaml", 0, "VirtualService", "default/reviews", "spec.http[0].timeout",
            "\"abc\" is not a duration").toString());
    assertEquals("dir: cannot list directory", new ConfigError("dir", -1, null, null, null, "cannot list directory").toString());
  }
}
