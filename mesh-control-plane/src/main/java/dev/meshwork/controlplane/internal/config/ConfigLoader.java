package dev.meshwork.controlplane.internal.config;

import dev.meshwork.controlplane.internal.model.MeshConfig;
import dev.meshwork.controlplane.internal.model.ServiceEntry;
import dev.meshwork.controlplane.internal.model.Source;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Loads Istio YAML into a validated {@link MeshConfig}.
 *
 * <p>Accepted: {@code networking.istio.io} {@code v1}, {@code v1beta1} and {@code v1alpha3}
 * VirtualService, DestinationRule, ServiceEntry and WorkloadEntry, and {@code security.istio.io}
 * {@code v1} and {@code v1beta1} PeerAuthentication and AuthorizationPolicy, with Istio's semantics. Any
 * field Meshwork does not apply, and any other {@code *.istio.io} kind, is an error naming file,
 * document and field path, never silently ignored. Documents of other API groups (a {@code v1}
 * Namespace, an {@code apps/v1} Deployment kept next to the mesh config) are skipped with an INFO
 * log line.
 *
 * <p>Error contract: a change set is accepted or rejected whole. The loader collects as many errors
 * as it can in one pass and never throws; unexpected failures (e.g. inside Jackson) become errors
 * naming the file and document. Stateless and thread-safe; each call works on its own data.
 */
public final class ConfigLoader {
  private ConfigLoader() {}

  /**
   * Reads every {@code *.yaml} / {@code *.yml} file directly in {@code dir} (not recursive; hidden
   * files and editor temp files such as {@code *~}, {@code .#*}, {@code *.swp} ignored), sorted by
   * file name. Errors name files by their file name. Files must be UTF-8.
   */
  public static LoadResult loadDirectory(Path dir) {
    List<ConfigError> errors = new ArrayList<>();
    Map<String, String> files = new LinkedHashMap<>();
    try (Stream<Path> list = Files.list(dir)) {
      List<Path> paths = list.filter(p -> isConfigFileName(String.valueOf(p.getFileName())) && Files.isRegularFile(p))
          .sorted((a, b) -> String.valueOf(a.getFileName()).compareTo(String.valueOf(b.getFileName())))
          .toList();
      for (Path p : paths) {
        String name = String.valueOf(p.getFileName());
        try {
          files.put(name, decodeUtf8(Files.readAllBytes(p)));
        } catch (CharacterCodingException e) {
          errors.add(new ConfigError(name, -1, "", "", "", "not valid UTF-8"));
        } catch (IOException | RuntimeException e) {
          errors.add(new ConfigError(name, -1, "", "", "", "cannot read file: " + e));
        }
      }
    } catch (IOException | RuntimeException e) {
      errors.add(new ConfigError(String.valueOf(dir), -1, "", "", "", "cannot list directory: " + e));
    }
    LoadResult result = load(files);
    if (errors.isEmpty()) {
      return result;
    }
    errors.addAll(result.errors());
    return new LoadResult(null, errors);
  }

  /** Same rules on in-memory files: file name to content; iteration order is kept. */
  public static LoadResult load(Map<String, String> files) {
    List<ConfigError> errors = new ArrayList<>();
    try {
      Parsed.Resources resources = new Parsed.Resources();
      Map<String, Source> seen = new HashMap<>();
      for (Map.Entry<String, String> file : files.entrySet()) {
        String name = file.getKey();
        if (name == null || file.getValue() == null) {
          errors.add(new ConfigError(name, -1, "", "", "", "file has no name or no content"));
        } else if (isConfigFileName(name)) {
          String content = file.getValue().startsWith("\uFEFF") ? file.getValue().substring(1) : file.getValue();
          YamlDocuments.read(name, content, errors, (index, doc) -> {
            DocContext ctx = new DocContext(name, index, errors);
            try {
              DocumentReader.read(ctx, doc, resources, seen);
            } catch (RuntimeException | StackOverflowError e) {
              ctx.error("", "internal error while validating this document (please report): " + e);
            }
          });
        }
      }
      List<ServiceEntry> serviceEntries = CrossValidator.validate(resources, errors);
      SecurityValidator.validate(resources.peerAuthentications, errors);
      if (errors.isEmpty()) {
        MeshConfig config = new MeshConfig(
            resources.virtualServices.stream().map(Parsed.VirtualServiceDoc::model).toList(),
            resources.destinationRules,
            serviceEntries,
            resources.workloadEntries,
            resources.peerAuthentications,
            resources.authorizationPolicies);
        return new LoadResult(config, List.of());
      }
    } catch (RuntimeException | StackOverflowError e) {
      errors.add(new ConfigError("", -1, "", "", "", "internal error while loading configuration (please report): " + e));
    }
    return new LoadResult(null, errors);
  }

  /** {@code *.yaml} / {@code *.yml}, not hidden (which covers Emacs {@code .#x.yaml}), not a backup. */
  static boolean isConfigFileName(String name) {
    String lower = name.toLowerCase(java.util.Locale.ROOT);
    return (lower.endsWith(".yaml") || lower.endsWith(".yml")) && !name.startsWith(".") && !name.startsWith("#")
        && !name.endsWith("~") && !lower.endsWith(".swp");
  }

  private static String decodeUtf8(byte[] bytes) throws CharacterCodingException {
    return StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT)
        .decode(ByteBuffer.wrap(bytes))
        .toString();
  }
}
