/**
 * Istio YAML in, validated {@link dev.meshwork.controlplane.internal.model.MeshConfig} out.
 *
 * <p>{@link dev.meshwork.controlplane.internal.config.ConfigLoader} is the entry point. Validation is
 * a walk over Jackson's JSON tree: an {@code ObjectReader} per YAML mapping knows the allowed keys
 * ({@code Schema}) and the field path, so every error names file, document, resource and path, and
 * one pass collects every error. Per-kind parsers build the model; the {@code CrossValidator} checks
 * rules that span resources. {@code Annotations} owns Meshwork's own {@code meshwork.dev}
 * annotations (local rate limit, retry budget). {@link dev.meshwork.controlplane.internal.config.Hosts} and
 * {@link dev.meshwork.controlplane.internal.config.Durations} are shared with other code.
 */
package dev.meshwork.controlplane.internal.config;
