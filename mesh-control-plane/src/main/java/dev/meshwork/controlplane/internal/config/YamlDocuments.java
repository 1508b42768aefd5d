package dev.meshwork.controlplane.internal.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.util.JsonParserDelegate;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import com.fasterxml.jackson.dataformat.yaml.snakeyaml.error.Mark;
import com.fasterxml.jackson.dataformat.yaml.snakeyaml.error.MarkedYAMLException;
import java.io.IOException;
import java.util.List;

/**
 * Splits a multi-document YAML file into JSON trees with Jackson. Duplicate keys are errors, an
 * empty value ({@code key:}) is null as in Kubernetes, and empty documents are skipped (but still
 * counted, so indexes match the file). YAML aliases are rejected: Jackson's tree model would read
 * {@code *name} as the string "name" instead of the anchored value. A syntax error is reported with
 * its line and column and ends the file, since the parser cannot resynchronise. Never throws.
 */
final class YamlDocuments {
  /** Receives each non-empty document with its zero-based index. */
  interface Sink {
    void accept(int index, JsonNode document);
  }

  private static final YAMLFactory FACTORY = YAMLFactory.builder()
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .enable(YAMLParser.Feature.EMPTY_STRING_AS_NULL)
      .build();
  private static final ObjectMapper MAPPER = new ObjectMapper(FACTORY);

  private YamlDocuments() {}

  static void read(String file, String content, List<ConfigError> errors, Sink sink) {
    int index = 0;
    try (YAMLParser yaml = FACTORY.createParser(content);
        MappingIterator<JsonNode> docs = MAPPER.readerFor(JsonNode.class).readValues(new NoAliases(yaml))) {
      while (docs.hasNextValue()) {
        JsonNode doc = docs.nextValue();
        if (doc != null && !doc.isNull() && !doc.isMissingNode()) {
          sink.accept(index, doc);
        }
        index++;
      }
    } catch (IOException | RuntimeException | StackOverflowError e) {
      errors.add(new ConfigError(file, index, "", "", "", describe(e) + " (the rest of this file was not read)"));
    }
  }

  // Jackson's wrapper of SnakeYAML's exception is deprecated but is the only way, without compiling
  // against SnakeYAML, to get the problem position; JsonLocation sometimes points at the context.
  @SuppressWarnings("deprecation")
  private static String describe(Throwable e) {
    Throwable t = e;
    while (!(t instanceof JsonProcessingException) && t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    if (t instanceof MarkedYAMLException m && m.getProblemMark() != null) {
      Mark mark = m.getProblemMark();
      String context = m.getContext() == null ? "" : " (" + m.getContext() + ")";
      return "YAML syntax error at line " + (mark.getLine() + 1) + ", column " + (mark.getColumn() + 1) + ": "
          + oneLine(m.getProblem()) + context;
    }
    if (t instanceof JsonProcessingException j) {
      JsonLocation loc = j.getLocation();
      String at = loc == null || loc.getLineNr() < 0 ? "" : " at line " + loc.getLineNr() + ", column " + loc.getColumnNr();
      String msg = oneLine(j.getOriginalMessage());
      if (msg.startsWith("Duplicate field ")) {
        msg = "duplicate key " + msg.substring("Duplicate field ".length());
      }
      return "YAML error" + at + ": " + msg;
    }
    return "cannot read YAML: " + oneLine(String.valueOf(e));
  }

  private static String oneLine(String s) {
    return s == null ? "invalid YAML" : s.strip().replaceAll("\\s*\\R\\s*", " ");
  }

  /** Fails on YAML aliases, which Jackson's tree model does not resolve. */
  private static final class NoAliases extends JsonParserDelegate {
    private final YAMLParser yaml;

    NoAliases(YAMLParser yaml) {
      super(yaml);
      this.yaml = yaml;
    }

    @Override
    public JsonToken nextToken() throws IOException {
      JsonToken t = super.nextToken();
      if (yaml.isCurrentAlias()) {
        throw new JsonParseException(this, "YAML aliases (*" + yaml.getText() + ") are not supported; repeat the value");
      }
      return t;
    }

    // JsonParserDelegate forwards nextValue() straight to the delegate; route it through nextToken().
    @Override
    public JsonToken nextValue() throws IOException {
      JsonToken t = nextToken();
      return t == JsonToken.FIELD_NAME ? nextToken() : t;
    }
  }
}
