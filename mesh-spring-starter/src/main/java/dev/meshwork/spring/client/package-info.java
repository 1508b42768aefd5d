/** {@code @MeshClient} HTTP interfaces: scanning, bean definitions and proxies over the mesh. */
package dev.meshwork.spring.client;
