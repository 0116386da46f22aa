// The sky sphere: a large sphere around the origin, seen from inside.
uniform mat4 u_viewproj;
uniform float u_skyradius;
in vec3 in_pos;
out vec3 v_dir;

void main() {
    v_dir = in_pos;
    gl_Position = u_viewproj * vec4(in_pos * u_skyradius, 1.0);
}
