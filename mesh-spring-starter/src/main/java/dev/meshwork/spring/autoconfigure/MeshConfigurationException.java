package dev.meshwork.spring.autoconfigure;

/**
 * The mesh is enabled but its {@code mesh.*} properties cannot work: startup fails with this, and
 * {@link MeshConfigurationFailureAnalyzer} tells which property and how to fix it.
 */
public class MeshConfigurationException extends RuntimeException {
  private final String property;
  private final String action;

  /**
   * @param property the offending property, e.g. {@code mesh.control-plane}
   * @param problem what is wrong with it
   * @param action what to do about it
   */
  public MeshConfigurationException(String property, String problem, String action) {
    super(property + ": " + problem);
    this.property = property;
    this.action = action;
  }

  /** The offending property, e.g. {@code mesh.control-plane}. */
  public String property() {
    return property;
  }

  /** What to do about it. */
  public String action() {
    return action;
  }
}
