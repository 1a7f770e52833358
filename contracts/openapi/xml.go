package openapi

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sort"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"

	"github.com/threescale-sandbox/threescale-sandbox/contracts/xmltree"
)

// The XML media types of the API. kin-openapi keeps body decoders in one
// registry for the process; these two have no decoder of their own there,
// so registering ours changes nothing else.
func init() {
	openapi3filter.RegisterBodyDecoder("application/vnd.3scale-v2.0+xml", decodeXML)
	openapi3filter.RegisterBodyDecoder("application/xml", decodeXML)
	openapi3filter.RegisterBodyDecoder("application/json", decodeJSONOrText)
}

// decodeJSONOrText is kin-openapi's JSON decoder, except that a body that
// is no JSON is read as its text, for the schema to judge: porta renders
// some texts as "JSON" as they are (render json: "Wrong type for
// parameter: metric").
func decodeJSONOrText(body io.Reader, _ http.Header, _ *openapi3.SchemaRef, _ openapi3filter.EncodingFn) (any, error) {
	data, err := io.ReadAll(body)
	if err != nil {
		return nil, err
	}
	var v any
	if err := json.Unmarshal(data, &v); err != nil {
		return string(data), nil
	}
	return v, nil
}

// textExtension marks the property that holds an element's text, as the
// message of <error code="…">message</error>; OpenAPI's xml object has no
// word for it.
const textExtension = "x-xml-text"

// decodeXML reads a document into the generic shape of its schema: an
// element becomes an object whose properties are its attributes (xml:
// {attribute: true}) and child elements, an array property collects the
// repeated children (wrapped or not), and leaf text is converted to the
// property's type. What the schema does not know is kept under its own name
// ("@attr" for attributes, "#text" for text), so that additionalProperties:
// false reports it. An empty body is null: nullable schemas allow the
// no_body extension's empty answers.
func decodeXML(body io.Reader, _ http.Header, ref *openapi3.SchemaRef, _ openapi3filter.EncodingFn) (any, error) {
	data, err := io.ReadAll(body)
	if err != nil {
		return nil, err
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, nil
	}
	schema := schemaOf(ref)
	if schema != nil && schema.Type.Is("string") {
		return string(data), nil
	}
	doc, err := xmltree.Parse(data)
	if err != nil {
		return nil, fmt.Errorf("not well-formed XML: %w", err)
	}
	schema = pick(schema, doc.Root.Name)
	if want := xmlName(schema, ""); want != "" && want != doc.Root.Name {
		return nil, fmt.Errorf("root element <%s>, want <%s>", doc.Root.Name, want)
	}
	return value(doc.Root, schema), nil
}

// xmlName is the element or attribute name a schema gives, or def.
func xmlName(s *openapi3.Schema, def string) string {
	if s != nil && s.XML != nil && s.XML.Name != "" {
		return s.XML.Name
	}
	return def
}

// pick chooses, among a schema's anyOf/oneOf alternatives, the one named
// after the element, when the schema itself describes no element.
func pick(s *openapi3.Schema, element string) *openapi3.Schema {
	if s == nil || len(s.Properties) > 0 || s.Items != nil {
		return s
	}
	for _, alts := range [][]*openapi3.SchemaRef{s.OneOf, s.AnyOf} {
		for _, alt := range alts {
			if a := schemaOf(alt); xmlName(a, "") == element {
				return a
			}
		}
	}
	return s
}

func value(e *xmltree.Element, s *openapi3.Schema) any {
	s = pick(s, e.Name)
	switch {
	case s == nil:
		return generic(e)
	case s.Type.Is("array"):
		out := []any{}
		for _, c := range e.Children {
			out = append(out, value(c, schemaOf(s.Items)))
		}
		return out
	case s.Type.Is("object") || len(s.Properties) > 0:
		return object(e, s)
	case len(e.Children) > 0 || len(e.Attrs) > 0:
		return genericObject(e)
	default:
		return coerce(e.Text, s)
	}
}

// property finds the property named n in XML, as an attribute or not.
func property(s *openapi3.Schema, n string, attribute bool) (string, *openapi3.Schema) {
	names := make([]string, 0, len(s.Properties))
	for k := range s.Properties {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		p := schemaOf(s.Properties[k])
		if p == nil {
			continue
		}
		isAttr := p.XML != nil && p.XML.Attribute
		xn := xmlName(p, k)
		if p.Type.Is("array") && (p.XML == nil || !p.XML.Wrapped) {
			xn = xmlName(schemaOf(p.Items), k) // unwrapped: the items are the elements
		}
		if isAttr == attribute && xn == n {
			return k, p
		}
	}
	return "", nil
}

func object(e *xmltree.Element, s *openapi3.Schema) map[string]any {
	out := map[string]any{}
	for _, a := range e.Attrs {
		if k, p := property(s, a.Name, true); p != nil {
			out[k] = coerce(a.Value, p)
		} else {
			out["@"+a.Name] = a.Value
		}
	}
	groups, order := byName(e.Children)
	for _, n := range order {
		cs := groups[n]
		k, p := property(s, n, false)
		switch {
		case p == nil:
			out[n] = genericGroup(cs)
		case p.Type.Is("array") && (p.XML == nil || !p.XML.Wrapped):
			items := []any{}
			for _, c := range cs {
				items = append(items, value(c, schemaOf(p.Items)))
			}
			out[k] = items
		case len(cs) == 1:
			out[k] = value(cs[0], p)
		default:
			many := []any{}
			for _, c := range cs {
				many = append(many, value(c, p))
			}
			out[k] = many
		}
	}
	if e.HasText() {
		key := "#text"
		for k, ref := range s.Properties {
			if p := schemaOf(ref); p != nil && p.Extensions[textExtension] == true {
				key = k
				out[k] = coerce(e.Text, p)
			}
		}
		if key == "#text" {
			out[key] = e.Text
		}
	} else {
		for k, ref := range s.Properties {
			if p := schemaOf(ref); p != nil && p.Extensions[textExtension] == true && len(e.Children) == 0 {
				out[k] = e.Text // an empty message is still a message
			}
		}
	}
	return out
}

func byName(cs []*xmltree.Element) (map[string][]*xmltree.Element, []string) {
	groups := map[string][]*xmltree.Element{}
	var order []string
	for _, c := range cs {
		if _, seen := groups[c.Name]; !seen {
			order = append(order, c.Name)
		}
		groups[c.Name] = append(groups[c.Name], c)
	}
	return groups, order
}

// generic is an element the schema does not describe: its text if it is a
// leaf, an object otherwise.
func generic(e *xmltree.Element) any {
	if len(e.Children) == 0 && len(e.Attrs) == 0 {
		return e.Text
	}
	return genericObject(e)
}

func genericObject(e *xmltree.Element) map[string]any {
	out := map[string]any{}
	for _, a := range e.Attrs {
		out["@"+a.Name] = a.Value
	}
	groups, order := byName(e.Children)
	for _, n := range order {
		out[n] = genericGroup(groups[n])
	}
	if e.HasText() {
		out["#text"] = e.Text
	}
	return out
}

func genericGroup(cs []*xmltree.Element) any {
	if len(cs) == 1 {
		return generic(cs[0])
	}
	out := make([]any, len(cs))
	for i, c := range cs {
		out[i] = generic(c)
	}
	return out
}
