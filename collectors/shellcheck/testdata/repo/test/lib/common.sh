# A template: the Ruby tests render it with ERB for bash and for zsh.
set -u
unset <%= UNSETS.join(" ") %>
export PATH="<%= BASE %>/bin:$PATH"
<%- if shell == :zsh -%>
setopt no_beep
<%- end -%>
