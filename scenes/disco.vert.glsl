// 26 disco balls, instanced: a coarse UV-sphere proxy around each ball; disco.frag.glsl ray-casts
// the exact sphere inside it (pixel-exact silhouette at any size, few triangles).
uniform mat4 u_viewproj;
uniform vec3 u_eye;
uniform float u_radius;
uniform float u_dist;
uniform float u_time;
uniform float u_proxy;       // scale that makes the proxy mesh enclose the unit sphere
uniform float u_pixangle;    // size of one pixel at distance 1 (world units)
in vec3 in_pos;              // proxy vertex, on the unit sphere
in vec3 in_dir;              // per instance: unit direction of the ball
in float in_phase;           // per instance: random in [0, 1)
out vec3 v_world;
flat out vec3 v_center;
flat out float v_angle;
flat out float v_phase;

void main() {
    v_center = in_dir * u_dist;
    float margin = 2.0 * u_pixangle * distance(u_eye, v_center);   // room for the antialiased edge
    v_world = v_center + in_pos * (u_radius + margin) * u_proxy;
    v_angle = in_phase * 6.2831853 + u_time * (0.25 + 0.2 * in_phase);
    v_phase = in_phase;
    gl_Position = u_viewproj * vec4(v_world, 1.0);
}
