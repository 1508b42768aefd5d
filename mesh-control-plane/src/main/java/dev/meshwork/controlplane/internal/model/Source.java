package dev.meshwork.controlplane.internal.model;

/**
 * Where a resource came from, for error messages and the admin API.
 *
 * @param file path of the YAML file, as given to the loader
 * @param document zero-based index of the YAML document in the file
 * @param kind resource kind, e.g. {@code VirtualService}
 * @param name {@code metadata.name}
 * @param namespace {@code metadata.namespace}, {@code "default"} when absent
 */
public record Source(String file, int document, String kind, String name, String namespace) {
  /** "reviews.yaml doc 0 VirtualService default/reviews" */
  public String describe() {
    return file + " doc " + document + " " + kind + " " + namespace + "/" + name;
  }
}
