/** HTTP on the mesh: {@link dev.meshwork.http.MeshHttp} gives OkHttp clients routed by the control plane. */
package dev.meshwork.http;
