/** gRPC through the mesh for Spring apps: {@code @MeshClient} stubs and a mesh gRPC server. */
package dev.meshwork.spring.grpc;
