/**
 * Spring Boot auto-configuration for Meshwork: {@code mesh.*} properties, the workload's
 * {@code Mesh}, mesh-routed clients ({@code @MeshClient}), registration, inbound protection and
 * observability.
 */
package dev.meshwork.spring;
