// 26 disco balls, instanced: an octagon facing the eye around each ball, just large enough to hold
// its silhouette; disco.frag.glsl ray-casts the exact sphere inside it. Six triangles a ball: on
// llvmpipe a finer mesh (a 144-triangle sphere) costs more in set-up than the pixels it saves.
uniform mat4 u_viewproj;
uniform vec3 u_eye;
uniform float u_radius;
uniform float u_dist;
uniform float u_time;
uniform float u_pixangle;    // size of one pixel at distance 1 (world units)
in vec2 in_corner;           // corner of the octagon around the unit circle
in vec3 in_dir;              // per instance: unit direction of the ball
in float in_phase;           // per instance: random in [0, 1)
out vec3 v_world;
flat out vec3 v_center;
flat out float v_angle;
flat out float v_phase;

void main() {
    v_center = in_dir * u_dist;
    vec3 toward = v_center - u_eye;
    float dist = length(toward);
    vec3 w = toward / dist;
    vec3 u = normalize(cross(w, abs(w.y) < 0.99 ? vec3(0.0, 1.0, 0.0) : vec3(1.0, 0.0, 0.0)));
    vec3 v = cross(u, w);
    // the tangent cone's radius in the plane through the centre, plus room for the edge's ramp
    float r = min(u_radius, 0.99 * dist);
    float half_size = r * dist / sqrt(dist * dist - r * r) + 2.0 * u_pixangle * dist;
    v_world = v_center + (in_corner.x * u + in_corner.y * v) * half_size;
    v_angle = in_phase * 6.2831853 + u_time * (0.25 + 0.2 * in_phase);
    v_phase = in_phase;
    gl_Position = u_viewproj * vec4(v_world, 1.0);
}
